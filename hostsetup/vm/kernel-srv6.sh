#!/usr/bin/env bash
# Does this machine's kernel do SRv6? Exit 0 if a seg6 encap route and an End SID install in a
# throwaway namespace, 1 (saying why) if the kernel refuses them, 2 if it cannot be asked (not root,
# no iproute2). A kernel built without CONFIG_IPV6_SEG6_LWTUNNEL answers both with EOPNOTSUPP
# ("lwt encapsulation type not supported").
set -uo pipefail

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null 2>&1; then
  echo "kernel-srv6: cannot check (needs root and iproute2)" >&2
  exit 2
fi
ns="srv6t-kcheck-$$"
ip netns add "$ns" || exit 2
trap 'ip netns del "$ns" 2>/dev/null' EXIT
ip -n "$ns" link add kc0 type veth peer name kc1 &&
  ip -n "$ns" link set kc0 up &&
  ip -n "$ns" -6 addr add fc00:ffff::1/64 dev kc0 nodad || exit 2
if ! err=$(ip -n "$ns" -6 route add fc00:fffe::/64 encap seg6 mode encap segs fc00:ffff::2 dev kc0 2>&1) ||
   ! err=$(ip -n "$ns" -6 route add fc00:fffd::1/128 encap seg6local action End dev kc0 2>&1); then
  echo "kernel-srv6: this kernel ($(uname -r)) refuses seg6 routes: ${err:-?}" >&2
  exit 1
fi
exit 0
