#!/usr/bin/env node
// srv6-controller: telemetry-driven SRv6 path switching for every flow class, both directions.
import { Command, InvalidArgumentError } from 'commander';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { channelCredentials, expectName, logTlsFailures, serverCredentials, tlsEnabled, tlsFiles } from '../proto/tls.js';
import { loadTopology, TopologyError } from '../topology/load.js';
import { DEFAULT_LEASE_TTL_S } from './cluster/checks.js';
import { Controller } from './controller.js';
import { ClusterNode } from './ha.js';
import { MISS_THRESHOLD_RANGE, MODES, PROBE_DEFAULTS, PROBE_INTERVAL_RANGE, type Mode } from './policy.js';
import { ControllerServer } from './server.js';
import { bindProblem, parseHttpAddress, type HttpAddress } from './web/auth.js';
import { WebServer } from './web/server.js';

const num = (min: number, max: number, integer = false) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`expected ${integer ? 'an integer' : 'a number'} ${min}..${max}`);
  return n;
};

const env = process.env;
/** the web view's address unless told otherwise: the loopback only */
const DEFAULT_HTTP = '127.0.0.1:8080';
const program = new Command()
  .name('srv6-controller')
  .description('Steers every flow class of a topology over SRv6 paths from live link utilisation, deciding each direction at its own ingress router')
  .option('-t, --topology <file>', 'topology file or bundled name (env SRV6_TOPOLOGY)', env.SRV6_TOPOLOGY ?? 'reference')
  .option('--listen <address...>', 'gRPC address(es) of the controller API: [host]:port or unix:/path (env SRV6_CONTROLLER_LISTEN, comma-separated)', env.SRV6_CONTROLLER_LISTEN?.split(',') ?? ['[::]:50052'])
  .option('--agent-socket-dir <dir>', 'reach agents at unix:<dir>/<router>.sock instead of their management addresses (the lab)')
  .option('--metrics <host:port>', 'Prometheus endpoint /metrics (env SRV6_METRICS); "off" to disable', env.SRV6_METRICS ?? '[::]:9464')
  .option('--http <host:port>', `the web view (env SRV6_HTTP); "off" to disable; off the loopback it needs --http-token (or mutual TLS)`, env.SRV6_HTTP ?? DEFAULT_HTTP)
  .option('--http-token <token>', 'the web view requires this token (env SRV6_HTTP_TOKEN): Authorization: Bearer TOKEN, or open http://HOST:PORT/?token=TOKEN once (a cookie keeps it)', env.SRV6_HTTP_TOKEN || undefined)
  .option('--interval <ms>', 'telemetry interval', num(10, 60_000, true), Number(env.SRV6_INTERVAL_MS ?? 100))
  .option('--mode <mode>', `initial policy of every flow: ${MODES.join(', ')}`, (v) => {
    if (!MODES.includes(v as Mode)) throw new InvalidArgumentError(`expected one of ${MODES.join(', ')}`);
    return v as Mode;
  }, 'least-utilized' as Mode)
  .option('--threshold <0..1>', 'switch when the current path is more utilised than this', num(0.01, 1), 0.7)
  .option('--hysteresis <0..1>', '... and the placement round lowers the highest utilisation of the links it touches by this margin', num(0, 1), 0.1)
  .option('--hold-down <ms>', 'minimum time between two switches of one flow', num(0, 3_600_000, true), 1000)
  .option('--smoothing <0..1>', 'EWMA weight of the newest telemetry sample', num(0.01, 1), 0.6)
  .option('--min-rate <mbps>', 'rate floor: a flow carrying less is never moved for congestion (default: 1 % of the smallest link capacity on its path)', num(0, 1e6))
  .option('--no-fast-reroute', 'no backups at the ingress routers: only the controller moves a flow off a dead path')
  .option('--probe-interval <ms>', 'probe interval of each flow\'s path and backup', num(...PROBE_INTERVAL_RANGE, true), PROBE_DEFAULTS.probeIntervalMs)
  .option('--candidate-probe-interval <ms>', 'probe interval of the other candidate paths', num(...PROBE_INTERVAL_RANGE, true), PROBE_DEFAULTS.candidateProbeIntervalMs)
  .option('--miss-threshold <n>', 'probes of a path missed in a row before its ingress fails over to the backup', num(...MISS_THRESHOLD_RANGE, true), PROBE_DEFAULTS.missThreshold)
  .option('--etcd <urls>', 'several controllers: elect the leader through etcd at these client URLs, comma-separated (env SRV6_ETCD); without it this controller leads alone', env.SRV6_ETCD || undefined)
  .option('--lease-ttl <s>', 'with --etcd: the leader\'s lease; a leader that cannot renew it stops writing when it expires (env SRV6_LEASE_TTL)', num(1, 60, true), Number(env.SRV6_LEASE_TTL ?? DEFAULT_LEASE_TTL_S))
  .option('--member-id <id>', 'with --etcd: this controller\'s name among them (env SRV6_MEMBER_ID; default host-pid)', env.SRV6_MEMBER_ID ?? `${hostname()}-${process.pid}`)
  .option('--advertise <address>', 'with --etcd: the address the other controllers forward writes to (env SRV6_ADVERTISE; default the first --listen)', env.SRV6_ADVERTISE)
  .option('--log-level <level>', 'pino log level', env.SRV6_LOG_LEVEL ?? 'info')
  .option('--tls-cert <file>', 'mutual TLS, toward the agents and for srv6ctl: the controller\'s certificate (env SRV6_TLS_CERT)', env.SRV6_TLS_CERT)
  .option('--tls-key <file>', 'its private key (env SRV6_TLS_KEY)', env.SRV6_TLS_KEY)
  .option('--tls-ca <file>', 'the CA every peer\'s certificate must be signed by (env SRV6_TLS_CA)', env.SRV6_TLS_CA)
  .addHelpText('after', `
Examples:
  srv6-controller --topology reference                          # agents at their management addresses
  srv6-controller --agent-socket-dir /run/srv6-lab/srv6lab --listen unix:/run/srv6-lab/srv6lab/controller.sock
  grpcurl -plaintext [::1]:50052 srv6.controller.v1.Controller/ListFlows
  srv6-controller --http [::]:8080 --http-token "$(openssl rand -hex 16)"   # the web view for other machines too
  srv6-controller --etcd http://[fd00:ffff::100]:2379 --advertise [fd00:ffff::101]:50052   # one of several: etcd elects the leader`);

const o = program.parse().opts<{
  topology: string; listen: string[]; agentSocketDir?: string; metrics: string; http: string; httpToken?: string; interval: number; mode: Mode;
  threshold: number; hysteresis: number; holdDown: number; smoothing: number; minRate?: number; logLevel: string; tlsCert?: string; tlsKey?: string; tlsCa?: string;
  fastReroute: boolean; probeInterval: number; candidateProbeInterval: number; missThreshold: number;
  etcd?: string; leaseTtl: number; memberId: string; advertise?: string;
}>();
const tls = tlsFiles({ cert: o.tlsCert, key: o.tlsKey, ca: o.tlsCa }, 'controller');
const log = pino({ level: o.logLevel, base: { role: 'controller' } });

// the web view's address and access are checked before anything starts
let http: HttpAddress | undefined;
try {
  http = parseHttpAddress(o.http);
  const problem = http && bindProblem(http, { token: o.httpToken, mutualTls: tlsEnabled(tls) });
  if (problem) throw new Error(problem);
} catch (e) {
  console.error(`srv6-controller: ${(e as Error).message}`);
  process.exit(2);
}

let t;
try {
  t = loadTopology(o.topology);
} catch (e) {
  console.error(e instanceof TopologyError ? `srv6-controller: the topology has problems:\n${e.problems.map((p) => `  ${p}`).join('\n')}` : `srv6-controller: ${(e as Error).message}`);
  process.exit(2);
}

const controller = new Controller({
  topology: t,
  agentAddress: (r) => (o.agentSocketDir ? `unix:${join(o.agentSocketDir, `${r.name}.sock`)}` : `[${r.management}]:${t.management.port}`),
  log, intervalMs: o.interval, smoothing: o.smoothing, tls, clustered: o.etcd !== undefined,
  policy: {
    mode: o.mode, threshold: o.threshold, hysteresis: o.hysteresis, holdDownMs: o.holdDown, minRateBps: o.minRate !== undefined ? o.minRate * 1e6 : undefined,
    fastReroute: o.fastReroute, probeIntervalMs: o.probeInterval, candidateProbeIntervalMs: o.candidateProbeInterval, missThreshold: o.missThreshold,
  },
});
const server = new ControllerServer(controller);
try {
  await server.listen(o.listen, serverCredentials(tls));
  if (o.metrics !== 'off') {
    const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(o.metrics);
    if (!m) throw new Error(`--metrics ${o.metrics}: expected host:port or off`);
    await server.listenMetrics(m[1] || '::', Number(m[2]));
  }
} catch (e) {
  log.fatal({ err: e }, 'cannot listen');
  process.exit(1);
}
let web: WebServer | undefined;
if (http) {
  web = new WebServer({
    invoke: (method, request) => server.invoke(method, request), utilizationSample: (round) => server.utilizationSample(round),
    events: controller, switches: () => controller.switches, topology: t, intervalMs: () => controller.intervalMs,
  }, { ...http, token: o.httpToken, tls: tlsEnabled(tls) ? tls : undefined, log: (fields, msg) => log.warn(fields, msg) });
  try {
    const url = await web.listen();
    log.info({ url, token: o.httpToken ? 'required' : 'none' }, `web view at ${url}`);
  } catch (e) {
    // the default address taken (another controller on this machine): run without the view; an address asked for must work
    const asked = program.getOptionValueSource('http') !== 'default' || env.SRV6_HTTP !== undefined;
    if (asked) {
      log.fatal({ err: e }, `cannot serve the web view on ${o.http}`);
      process.exit(1);
    }
    log.warn({ err: (e as Error).message }, `the web view is off: ${o.http} is not free (give --http HOST:PORT, or --http off)`);
    web = undefined;
  }
}
// grpc-js drops a client whose TLS handshake fails without a word: say why here
if (tlsEnabled(tls) && !logTlsFailures(server.server, tls, (fields, msg) => log.warn(fields, msg))) log.warn('failed TLS handshakes cannot be logged with this grpc-js');
let cluster: ClusterNode | undefined;
if (o.etcd) {
  try {
    cluster = new ClusterNode(controller, {
      endpoints: o.etcd.split(','), id: o.memberId, address: o.advertise ?? o.listen[0], leaseTtlS: o.leaseTtl, log, credentials: channelCredentials(tls),
      channelOptions: tlsEnabled(tls) ? expectName('controller') : undefined,
    });
  } catch (e) {
    console.error(`srv6-controller: ${(e as Error).message}`);
    process.exit(2);
  }
  server.cluster = cluster;
}
controller.start();
cluster?.start();
log.info({ topology: t.file, listen: o.listen, tls: tlsEnabled(tls) ? 'mutual' : 'off', metrics: o.metrics, http: web ? o.http : 'off', interval: o.interval, mode: o.mode, fastReroute: o.fastReroute,
  etcd: o.etcd ?? 'off', member: o.etcd ? o.memberId : undefined }, o.etcd ? 'controller ready: following until elected' : 'controller ready');

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down; the routers keep their paths');
  await cluster?.close();
  await controller.stop();
  await web?.close();
  await server.shutdown();
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
