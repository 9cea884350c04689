#!/usr/bin/env node
// srv6-agent: the per-router gRPC agent.
import { Command, InvalidArgumentError, Option } from 'commander';
import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { C, Rtnl } from '../netlink/index.js';
import { logTlsFailures, serverCredentials, tlsEnabled, tlsFiles } from '../proto/tls.js';
import { DEFAULT_SID_ANCHOR } from './anchor.js';
import { RTPROT_SRV6_AGENT } from './constants.js';
import { realtimeEventLoop, realtimePriority, REALTIME_HELP } from './realtime.js';
import { applyInterfaceSpecs, parseInterfaceSpecs } from './rename.js';
import { Agent, AGENT_VERSION, FLOWLABEL_RULES, type FlowlabelRules } from './server.js';

const int = (min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer ${min}..${max}`);
  return n;
};

/** the rtm_protocol unless --protocol says otherwise; --protocol takes the values the kernel leaves to userspace (above RTPROT_STATIC) */
export const DEFAULT_PROTOCOL = RTPROT_SRV6_AGENT;

const program = new Command()
  .name('srv6-agent')
  .description('gRPC agent that programs this router\'s SRv6 routes, SIDs and rules over rtnetlink (run as root, in the router\'s network namespace)')
  .version(AGENT_VERSION)
  .option('--name <name>', 'router name reported to the controller (env SRV6_AGENT_NAME)', process.env.SRV6_AGENT_NAME ?? hostname())
  .option('--listen <address...>', 'gRPC address(es): [host]:port or unix:/path; repeat for several (env SRV6_AGENT_LISTEN, comma-separated)', process.env.SRV6_AGENT_LISTEN?.split(',') ?? ['[::]:50051'])
  .option('--protocol <n>', 'rtm_protocol stamped on every route and rule the agent owns (env SRV6_AGENT_PROTOCOL)', int(C.RTPROT_STATIC + 1, 255), Number(process.env.SRV6_AGENT_PROTOCOL ?? DEFAULT_PROTOCOL))
  .option('--log-level <level>', 'trace, debug, info, warn, error (env SRV6_AGENT_LOG_LEVEL)', process.env.SRV6_AGENT_LOG_LEVEL ?? 'info')
  .option('--max-message-bytes <n>', 'largest request accepted', int(1024, 1 << 30), 32 << 20)
  .option('--flush-on-exit', 'remove everything the agent owns on SIGTERM (default: keep the data plane as it is)', false)
  .option('--sid-anchor <name>', 'veth the agent keeps up (creating it if missing) and binds SIDs without a dev to', DEFAULT_SID_ANCHOR)
  .option('--no-sid-anchor', 'no anchor: every SID must name its dev')
  .option('--tls-cert <file>', 'mutual TLS: this agent\'s certificate (env SRV6_TLS_CERT); with --tls-key and --tls-ca, plaintext clients are refused', process.env.SRV6_TLS_CERT)
  .option('--tls-key <file>', 'mutual TLS: its private key (env SRV6_TLS_KEY)', process.env.SRV6_TLS_KEY)
  .option('--tls-ca <file>', 'mutual TLS: the CA clients\' certificates must be signed by (env SRV6_TLS_CA); or SRV6_TLS_DIR=DIR for DIR/<name>.pem, DIR/<name>-key.pem, DIR/ca.pem', process.env.SRV6_TLS_CA)
  .option('--journal <file>', 'where the snapshot of a batch in progress is kept, to undo it after a crash (default /run/srv6-agent/<name>-<netns>.journal); the highest election id seen is kept beside it (<name>-<netns>.election)')
  .option('--require-election', 'refuse Apply, SetPath(s), Sync and SetProbes without an election id (env SRV6_REQUIRE_ELECTION=1): where several controllers run, one elected leader', process.env.SRV6_REQUIRE_ELECTION === '1')
  .option('--probe-port <n>', 'UDP port of the probe reflector (STAMP, RFC 8762) that answers other routers\' probes; 0: none', int(0, 65535), 862)
  .option('--realtime <priority>', `${REALTIME_HELP} (env SRV6_AGENT_REALTIME)`, process.env.SRV6_AGENT_REALTIME ?? '0')
  .addOption(new Option('--flowlabel-rules <how>', 'rules on the flow label: kernel (FRA_FLOWLABEL, Linux 6.15+), fwmark (the agent\'s nf_tables table ip6 srv6-agent marks packets with their flow label, the rule selects the mark), auto: kernel where it matches on the label, else fwmark (env SRV6_FLOWLABEL_RULES)')
    .choices(FLOWLABEL_RULES).default(process.env.SRV6_FLOWLABEL_RULES ?? 'auto'))
  .option('--interface-names <spec>', 'rename interfaces after the address they hold before serving: ADDR=NAME[@MAC],... (env SRV6_INTERFACE_NAMES; what the Docker deployment uses)', process.env.SRV6_INTERFACE_NAMES)
  .addHelpText('after', `
Examples:
  ip netns exec r1 srv6-agent --name r1 --listen [::]:50051
  mkdir -p /run/srv6 && srv6-agent --name r1 --listen unix:/run/srv6/r1.sock
  grpcurl -plaintext [::1]:50051 list

Fencing: with several controllers, the leader's election id (the etcd revision of its leadership)
rides on every Apply, SetPath, SetPaths message, Sync and SetProbes. The agent keeps the highest
it has seen (in the file beside the journal, across restarts) and refuses a lower one with
FAILED_PRECONDITION, so a deposed leader cannot overwrite the new one's paths. A request without
one (0) is taken as from the only controller, unless --require-election.`);

const opts = program.parse().opts<{ name: string; listen: string[]; protocol: number; logLevel: string; maxMessageBytes: number; flushOnExit: boolean; sidAnchor: string | false; interfaceNames?: string; journal?: string; requireElection: boolean; flowlabelRules: FlowlabelRules; probePort: number; realtime: string; tlsCert?: string; tlsKey?: string; tlsCa?: string }>();
const log = pino({ level: opts.logLevel, base: { router: opts.name } });
if (!FLOWLABEL_RULES.includes(opts.flowlabelRules)) program.error(`error: SRV6_FLOWLABEL_RULES: "${opts.flowlabelRules}": expected ${FLOWLABEL_RULES.join(', ')}`);

let realtime = 0;
try {
  realtime = realtimePriority(opts.realtime);
  realtimeEventLoop(realtime);
} catch (e) {
  log.fatal({ err: (e as Error).message }, 'cannot start');
  process.exit(1);
}

if (process.geteuid?.() !== 0) log.warn('not running as root: the kernel will refuse route changes (EPERM); reads still work');

if (opts.interfaceNames) {
  const rtnl = new Rtnl();
  try {
    for (const change of applyInterfaceSpecs(rtnl, parseInterfaceSpecs(opts.interfaceNames))) log.info({ change }, 'interface renamed');
  } catch (e) {
    log.fatal({ err: (e as Error).message }, 'cannot name the interfaces as the topology does');
    process.exit(1);
  } finally {
    rtnl.close();
  }
}

// A bug that escapes a handler leaves state nobody can vouch for: log it and exit non-zero. A batch
// cut short this way leaves its journal, which the next start rolls back (OwnedState.recoverJournal).
const die = (kind: string) => (err: unknown) => {
  log.fatal({ err }, `${kind}: exiting; a batch in progress is rolled back at the next start`);
  process.exit(70);
};
process.on('uncaughtException', die('uncaught exception'));
process.on('unhandledRejection', die('unhandled rejection'));

let agent: Agent;
try {
  // one journal per agent: the network namespace's inode tells two labs' r1 apart
  const journal = opts.journal ?? `/run/srv6-agent/${opts.name}-${statSync('/proc/self/ns/net').ino}.journal`;
  const electionFile = `${journal.replace(/\.journal$/, '')}.election`;
  agent = await Agent.start({
    name: opts.name, protocol: opts.protocol, log, maxMessageBytes: opts.maxMessageBytes, sidAnchor: opts.sidAnchor || undefined, journal, reflectorPort: opts.probePort,
    requireElection: opts.requireElection, electionFile, flowlabelRules: opts.flowlabelRules,
  });
} catch (e) {
  log.fatal({ err: e }, 'cannot start (is this root, in the router\'s namespace?)');
  process.exit(1);
}
const tls = tlsFiles({ cert: opts.tlsCert, key: opts.tlsKey, ca: opts.tlsCa }, opts.name);
let creds;
try {
  creds = serverCredentials(tls);
} catch (e) {
  log.fatal({ err: (e as Error).message }, 'cannot set up TLS');
  process.exit(1);
}
for (const address of opts.listen) {
  try {
    await agent.listen(address, creds);
  } catch (e) {
    log.fatal({ err: e, listen: address }, 'cannot listen');
    process.exit(1);
  }
  const loopback = /^(unix:|localhost|127\.|\[::1\]|::1)/.test(address);
  if (!loopback && !tlsEnabled(tls)) log.warn({ listen: address }, 'listening in PLAINTEXT on a non-loopback address: anyone who reaches it can change this router\'s forwarding');
}
// grpc-js drops a client whose TLS handshake fails without a word: say why here
if (tlsEnabled(tls) && !logTlsFailures(agent.server, tls, (fields, msg) => log.warn(fields, msg))) log.warn('failed TLS handshakes cannot be logged with this grpc-js');
log.info({ listen: opts.listen, tls: tlsEnabled(tls) ? 'mutual' : 'off', protocol: opts.protocol, version: AGENT_VERSION, requireElection: opts.requireElection, realtime }, 'agent ready');

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  if (opts.flushOnExit) log.info({ removed: await agent.state.flush() }, 'flushed owned state');
  await agent.shutdown();
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
