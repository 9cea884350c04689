// The RouterAgent gRPC service, with reflection and the standard health service.
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { readFileSync } from 'node:fs';
import { constants, release } from 'node:os';
import type { Logger } from 'pino';
import { C, installFlowlabelMark, noSrv6Routes, readSysctl, Rtnl, SEG6_LOCAL_ACTIONS, SEG6_MODES, SnapshotReader } from '../netlink/index.js';
import type { ProbeConfig } from '../proto/gen/srv6/agent/v1/ProbeConfig.js';
import { AGENT_PROTO, AGENT_SERVICE, loadPackage, packageFiles } from '../proto/load.js';
import { addReflection } from '../proto/reflection.js';
import { slicedCodec } from '../proto/sliced.js';
import { removeStaleSocket } from '../proto/unix-socket.js';
import { encodeTelemetrySample } from '../proto/telemetry-sample.js';
import type { ApiOp, ApiSetPath, ApiState } from './api.js';
import { ensureSidAnchor } from './anchor.js';
import { decodeCompactOp, encodeApplyResponse, type ApplyResponseData } from './apply-codec.js';
import { decodeSetPathsRequest, encodeSetPathsReply, type SetPathsReplyData, type SetPathsRequestData } from './set-paths-codec.js';
import type { CompactOpBytes } from './compact-route.js';
import { ApiError, transportError } from './errors.js';
import { EventHub, type RouterEventMsg } from './events.js';
import { Fencing } from './fencing.js';
import { FLOWLABEL_MARK, FLOWLABEL_TABLE } from './flowlabel-mark.js';
import { ProbeService } from './probe/service.js';
import { STAMP_PORT } from './probe/stamp.js';
import { OwnedState, type ApplyResult, type Outcome } from './state.js';
import type { RuleSelectors } from './validate.js';
import { DEFAULT_INTERVAL_MS, MAX_INTERVAL_MS, MIN_INTERVAL_MS, TelemetrySampler } from './telemetry.js';
import { onWallClockTicks } from './ticker.js';

// ops are read as decoded (validate.ts reads enums as numbers too; an Op has no 64-bit field it reads),
// those with a compact route by hand (agent/apply-codec.ts)
const applyRequest = slicedCodec(AGENT_PROTO, 'srv6.agent.v1.ApplyRequest', 'ops', { decodedElements: true, decodeElement: decodeCompactOp });

export const AGENT_VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

export interface AgentOptions {
  name: string;
  protocol: number;
  log: Logger;
  /** largest request accepted, bytes */
  maxMessageBytes?: number;
  /** the veth the agent creates (if missing) and binds SIDs without a dev to; undefined: none */
  sidAnchor?: string;
  /** file for the snapshot of a batch in progress (crash recovery); undefined: none */
  journal?: string;
  /** the probe reflector's UDP port (default 862, STAMP's); 0: no reflector */
  reflectorPort?: number;
  /** refuse a mutating request without an election id (--require-election) */
  requireElection?: boolean;
  /** where the highest election id seen is kept across restarts; undefined: in memory only */
  electionFile?: string;
  /** how flow-label rules are installed (--flowlabel-rules; default auto) */
  flowlabelRules?: FlowlabelRules;
}

/**
 * kernel: FRA_FLOWLABEL, refused where the kernel would ignore it; fwmark: through the agent's
 * nf_tables mark (flowlabel-mark.ts); auto: kernel where it matches on the label, else fwmark.
 */
export type FlowlabelRules = 'auto' | 'kernel' | 'fwmark';
export const FLOWLABEL_RULES: readonly FlowlabelRules[] = ['auto', 'kernel', 'fwmark'];

/** Whether flow-label rules go through the nf_tables mark; if so its table is made (again) here. */
function markFlowlabels(mode: FlowlabelRules, kernelMatches: boolean, log: Logger): boolean {
  if (mode === 'kernel' || (mode === 'auto' && kernelMatches)) return false;
  try {
    installFlowlabelMark({ table: FLOWLABEL_TABLE, markBit: FLOWLABEL_MARK });
    return true;
  } catch (e) {
    const why = `cannot make the nf_tables table ip6 ${FLOWLABEL_TABLE} that selects flow labels by fwmark: ${(e as Error).message}`;
    if (mode === 'fwmark') throw new Error(`--flowlabel-rules fwmark: ${why}`);
    log.warn(`${why}; rules on the flow label are refused (this kernel's rules would ignore it)`);
    return false;
  }
}

function sysctlIs(path: string, value: string): boolean {
  try {
    return readSysctl(path) === value;
  } catch {
    return false;
  }
}

function kernelAtLeast(major: number, minor: number): boolean {
  const [a, b] = release().split('.').map((x) => parseInt(x, 10));
  return a > major || (a === major && b >= minor);
}

/** What the agent asked the kernel at its start (Rtnl's probes: requests no kernel installs). */
interface KernelFeatures {
  srv6Routes: boolean;
  ruleSelectors: RuleSelectors;
  /** flow-label rules select the agent's nf_tables mark */
  flowlabelByMark: boolean;
}

const DRY_RUN_OUTCOME: Record<Outcome, string> = {
  created: 'would-create', replaced: 'would-replace', deleted: 'would-delete', unchanged: 'unchanged', absent: 'absent',
};

type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

export class Agent {
  readonly server: grpc.Server;
  readonly state: OwnedState;
  readonly events: EventHub;
  readonly probes: ProbeService;
  private readonly fencing: Fencing;
  private readonly sampler: TelemetrySampler;
  /** telemetry's socket: its dumps are read at once (netlink/snapshot.ts), never queued behind the reader's */
  private readonly snapshots = new SnapshotReader();
  private readonly health: HealthImplementation;
  private readonly streams = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  private readonly startedMs = Date.now();

  /** Opens the netlink sockets, makes the SID anchor, finishes a batch a previous agent left, and builds the service. */
  static async start(opts: AgentOptions): Promise<Agent> {
    const rtnl = new Rtnl();
    let kernel: KernelFeatures;
    try {
      const ruleSelectors = { dscp: rtnl.knowsRuleSelector(C.FRA_DSCP), flowlabel: rtnl.knowsRuleSelector(C.FRA_FLOWLABEL) };
      kernel = {
        srv6Routes: rtnl.supportsSrv6Routes(),
        ruleSelectors,
        flowlabelByMark: markFlowlabels(opts.flowlabelRules ?? 'auto', ruleSelectors.flowlabel, opts.log),
      };
      if (opts.sidAnchor) ensureSidAnchor(rtnl, opts.sidAnchor);
    } finally {
      rtnl.close();
    }
    if (!kernel.srv6Routes) opts.log.warn(noSrv6Routes());
    const fencing = new Fencing({ required: opts.requireElection ?? false, file: opts.electionFile, log: opts.log });
    const state = await OwnedState.open({ protocol: opts.protocol, log: opts.log, sidAnchor: opts.sidAnchor, journal: opts.journal, ruleSelectors: kernel.ruleSelectors, flowlabelByMark: kernel.flowlabelByMark });
    try {
      await state.recoverJournal();
      return new Agent(opts, state, fencing, kernel);
    } catch (e) {
      state.close();
      throw e;
    }
  }

  private constructor(private readonly opts: AgentOptions, state: OwnedState, fencing: Fencing, private readonly kernel: KernelFeatures) {
    this.state = state;
    this.fencing = fencing;
    this.events = new EventHub(opts.name, this.state);
    this.probes = new ProbeService(state, this.events, opts.log, { reflectorPort: opts.reflectorPort ?? STAMP_PORT, probePort: STAMP_PORT });
    this.sampler = new TelemetrySampler({
      router: opts.name, link: (i) => state.link(i), sidTables: state.sidTables, protocol: state.protocol,
      io: { read: (requests, sink) => this.snapshots.read(requests, sink, [constants.errno.ENOENT], 'telemetry') },
    });
    const max = opts.maxMessageBytes ?? 32 << 20;
    this.server = new grpc.Server({ 'grpc.max_receive_message_length': max, 'grpc.max_send_message_length': max, 'grpc.enable_channelz': 0 });
    const pkg = loadPackage(AGENT_PROTO);
    const loaded = (grpc.loadPackageDefinition(pkg) as any).srv6.agent.v1.RouterAgent.service as grpc.ServiceDefinition;
    // Apply's ops are decoded by its handler, a slice at a time (proto/sliced.ts), and its results encoded
    // and telemetry samples by proto/telemetry-sample.ts, from the counters as read; the switch stream's
    // messages by agent/set-paths-codec.ts
    const service = {
      ...loaded,
      Apply: { ...loaded.Apply, requestDeserialize: (bytes: Buffer) => bytes, responseSerialize: (bytes: Buffer) => bytes },
      StreamTelemetry: { ...loaded.StreamTelemetry, responseSerialize: (bytes: Buffer) => bytes },
      SetPaths: { ...loaded.SetPaths, requestDeserialize: decodeSetPathsRequest, responseSerialize: encodeSetPathsReply },
    };
    this.server.addService(service, {
      GetInfo: this.unary('GetInfo', () => this.getInfo()),
      Apply: this.unary('Apply', async (bytes: Buffer, t0) => {
        // checked once decoded (a large batch's decoding lets other requests run meanwhile), then queued
        const req = await applyRequest.decode(bytes) as { ops: (ApiOp | CompactOpBytes)[]; dry_run: boolean; election_id: string };
        const atTurn = this.fencing.admit(req.election_id, req.dry_run);
        return encodeApplyResponse(this.response(await this.state.apply(req.ops, req.dry_run, atTurn), t0));
      }),
      SetPath: this.unary('SetPath', async (req: ApiSetPath, t0) => this.setPath(req, t0)),
      SetPaths: (call: grpc.ServerDuplexStream<any, any>) => this.setPaths(call),
      ListState: this.unary('ListState', () => this.state.listState()),
      Sync: this.unary('Sync', async (req: { desired: ApiState | null; dry_run: boolean; election_id?: string }, t0) => {
        const atTurn = this.fencing.admit(req.election_id, req.dry_run);
        const r = await this.state.sync(req.desired ?? {}, req.dry_run, atTurn);
        return { added: r.added, changed: r.changed, removed: r.removed, unchanged: r.unchanged, apply: r.result ? this.response(r.result, t0) : null };
      }),
      StreamTelemetry: (call: grpc.ServerWritableStream<any, any>) => this.streamTelemetry(call),
      WatchEvents: (call: grpc.ServerWritableStream<any, any>) => this.watchEvents(call),
      SetProbes: this.unary('SetProbes', async (req: ProbeConfig) => this.probes.configure(req, this.fencing.admit(req.election_id, false))),
      GetProbes: this.unary('GetProbes', async () => this.probes.status()),
    });
    this.health = new HealthImplementation({ '': 'SERVING', [AGENT_SERVICE]: 'SERVING' });
    this.health.addToServer(this.server);
    addReflection(this.server, packageFiles(AGENT_PROTO));
  }

  /** Wraps a handler: ApiErrors become their status, a netlink timeout DEADLINE_EXCEEDED, anything else INTERNAL; timing logged. */
  private unary<Req, Res>(method: string, fn: (req: Req, t0: bigint) => Promise<Res>): Unary<Req, Res> {
    return (call, callback) => {
      const t0 = process.hrtime.bigint();
      fn(call.request, t0).then(
        (res) => {
          this.opts.log.debug({ method, us: Number(process.hrtime.bigint() - t0) / 1000 }, 'rpc');
          callback(null, res);
        },
        (e: unknown) => {
          const api = e instanceof ApiError ? e : transportError(e, method, []);
          if (!(e instanceof ApiError)) this.opts.log.error({ method, err: e }, 'rpc failed unexpectedly');
          else this.opts.log.info({ method, code: grpc.status[api.code], message: api.message }, 'rpc rejected');
          callback({ code: api.code, details: api.message });
        },
      );
    };
  }

  /** SetPath per stream message: the same handler, its status in the reply, the stream kept open. */
  private setPaths(call: grpc.ServerDuplexStream<SetPathsRequestData, SetPathsReplyData>): void {
    const handle = this.unary('SetPath', async (req: ApiSetPath, t0) => this.setPath(req, t0));
    call.on('data', (m: SetPathsRequestData) => {
      handle({ request: m.request ?? {} } as grpc.ServerUnaryCall<ApiSetPath, ApplyResponseData>, (err, result) => {
        const e = err as { code?: number; details?: string } | null;
        call.write(e ? { id: m.id, code: e.code ?? grpc.status.INTERNAL, error: e.details ?? '' } : { id: m.id, result, code: 0 });
      });
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  }

  private async setPath(req: ApiSetPath, t0: bigint) {
    const atTurn = this.fencing.admit(req.election_id, false);
    return this.response(await this.state.setPath(req, atTurn), t0);
  }

  private response(r: ApplyResult, t0: bigint) {
    const results = r.outcomes.map((o, index) => ({ index, outcome: r.dryRun ? DRY_RUN_OUTCOME[o] : o }));
    const total = process.hrtime.bigint() - t0;
    if (r.steps) this.opts.log.info({ ops: r.outcomes.length, steps: r.steps, kernel_us: Number(r.kernelNs) / 1000, total_us: Number(total) / 1000 }, 'applied');
    return { results, kernel_ns: String(r.kernelNs), total_ns: String(total), acked_mono_ns: String(r.ackedMonoNs) };
  }

  private async getInfo() {
    const links = await this.state.refreshLinks();
    const addrs = await this.state.reader.addresses(C.AF_INET6);
    return {
      name: this.opts.name,
      agent_version: AGENT_VERSION,
      interfaces: links.map((l) => ({
        name: l.name, index: l.index, mac: l.mac ?? '', oper_state: l.operstate, mtu: l.mtu ?? 0, kind: l.kind ?? '',
        addresses: addrs.filter((a) => a.index === l.index).map((a) => `${a.address}/${a.prefixLen}`),
      })),
      kernel: {
        seg6_enabled: sysctlIs('net/ipv6/conf/all/seg6_enabled', '1'),
        forwarding: sysctlIs('net/ipv6/conf/all/forwarding', '1'),
        counters: kernelAtLeast(5, 14),
        actions: this.kernel.srv6Routes ? Object.keys(SEG6_LOCAL_ACTIONS).filter((a) => a !== 'End.DX2') : [],
        modes: this.kernel.srv6Routes ? Object.keys(SEG6_MODES) : [],
        kernel_release: release(),
        srv6_routes: this.kernel.srv6Routes,
        rule_dscp: this.kernel.ruleSelectors.dscp,
        rule_flowlabel: this.kernel.ruleSelectors.flowlabel,
        rule_flowlabel_by_fwmark: this.kernel.flowlabelByMark,
      },
      protocol: this.opts.protocol,
      started_unix_ms: String(this.startedMs),
      fencing: this.fencing.info(),
    };
  }

  private streamTelemetry(call: grpc.ServerWritableStream<{ interval_ms: number; interfaces: string[]; include_sids: boolean; include_probes: boolean }, unknown>): void {
    const req = call.request;
    const interval = req.interval_ms || DEFAULT_INTERVAL_MS;
    if (interval < MIN_INTERVAL_MS || interval > MAX_INTERVAL_MS) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: `interval_ms: ${interval} is not valid: expected ${MIN_INTERVAL_MS}..${MAX_INTERVAL_MS} milliseconds` });
      return;
    }
    let seq = 0;
    let blocked = false;
    const opts = { interfaces: req.interfaces ?? [], includeSids: req.include_sids };
    const tick = () => {
      // a slow reader gets fewer samples, never a growing queue
      if (blocked) return;
      let sample: Buffer;
      try {
        // read and encoded at once: the sampler's frame is reused by the next read
        sample = encodeTelemetrySample(this.sampler.read(++seq, opts), req.include_probes ? this.probes.stats() : undefined);
      } catch (e) {
        this.opts.log.error({ err: e }, 'telemetry sample failed');
        return;
      }
      blocked = !call.write(sample);
    };
    call.on('drain', () => (blocked = false));
    // Samples fall on multiples of the interval on the wall clock, so every agent (on one host, or
    // on NTP-synchronised hosts) measures the same windows: the controller compares a class's rate
    // at its egress with the load on a link at the ingress window for window.
    tick();
    this.track(call, onWallClockTicks(interval, tick));
  }

  private watchEvents(call: grpc.ServerWritableStream<{ include_own: boolean }, unknown>): void {
    const unsubscribe = this.events.subscribe(call.request.include_own, (e: RouterEventMsg) => call.write(e));
    this.track(call, unsubscribe);
  }

  private track(call: grpc.ServerWritableStream<any, any>, cleanup: () => void): void {
    this.streams.add(call);
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      cleanup();
      this.streams.delete(call);
    };
    call.on('cancelled', end);
    call.on('close', end);
    call.on('error', end);
  }

  async listen(address: string, creds = grpc.ServerCredentials.createInsecure()): Promise<number> {
    await removeStaleSocket(address);
    return new Promise((resolve, reject) => {
      this.server.bindAsync(address, creds, (err, port) => (err ? reject(err) : resolve(port)));
    });
  }

  /** Stops accepting calls, ends open streams, closes the netlink sockets. The kernel state stays. */
  async shutdown(graceMs = 2000): Promise<void> {
    this.health.setStatus('', 'NOT_SERVING');
    for (const s of this.streams) s.end();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.server.forceShutdown(); resolve(); }, graceMs);
      this.server.tryShutdown(() => { clearTimeout(timer); resolve(); });
    });
    this.events.close();
    this.probes.close();
    this.snapshots.close();
    this.state.close();
  }
}
