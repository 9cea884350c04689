// The rtm_protocol values this project stamps on what it installs, so that each
// program can tell its own routes and rules from everyone else's. Not kernel
// UAPI (those are netlink/constants.ts, RTPROT_*): the kernel passes values
// above RTPROT_STATIC through uninterpreted, and neither number is taken in
// iproute2's rt_protos.

/** srv6-agent: every route, SID and rule it owns, unless --protocol says otherwise. */
export const RTPROT_SRV6_AGENT = 83;

/** srv6-hostsetup: the host's routes to the lab networks (hostsetup/host.ts). */
export const RTPROT_SRV6_HOSTSETUP = 84;
