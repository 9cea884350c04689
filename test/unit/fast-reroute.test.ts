// Probes and fast reroute, the controller's side, without agents: backups,
// the routers' probe configurations, SetBackup and SetPolicy's checks over
// gRPC, a fast-reroute event adopted as a switch, dead paths and suspect
// links in the policy, lowest-delay and max_delay_ms.
// Over 300 lines: one file for the controller's side of one feature, each
// test with the state it needs.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ControllerClient } from '../../controller/client.js';
import { Controller, type SwitchEvent } from '../../controller/controller.js';
import type { NetGraph } from '../../controller/graph.js';
import { Meter } from '../../controller/meter.js';
import { monoMs, PolicyEngine, type Flow, type FlowPolicy } from '../../controller/policy.js';
import type { ProbeStats } from '../../controller/probes.js';
import { chooseBackup, PATH_DEAD_CONFIRM_MS, REROUTE_GRACE_MS } from '../../controller/protection.js';
import { ControllerServer } from '../../controller/server.js';
import { stripAnsi, switchLine } from '../../controller/ctl/format.js';
import type { ProbeConfig } from '../../proto/gen/srv6/agent/v1/ProbeConfig.js';
import { classRoute } from '../../topology/desired.js';
import { endpoints, initialPath, pathSegments, probeSegments } from '../../topology/derive.js';
import { pathKey } from '../../topology/format.js';
import { loadTopology } from '../../topology/load.js';
import type { Direction, Topology } from '../../topology/model.js';

const THRESHOLD = 0.7;
const log = pino({ level: 'silent' });

/** A path's figures as an agent reports them: live (answering, p50 `ms`), dead or silent. */
function stats(path: string[], state: 'live' | 'dead' | 'silent', ms = 1): ProbeStats {
  const answering = state === 'live';
  return {
    name: pathKey(path), segments: [], interval_ms: 10, state, sent: '100', received: answering ? '100' : '0', window_probes: 100, loss: answering ? 0 : 1,
    delay_min_us: ms * 900, delay_p50_us: ms * 1000, delay_p99_us: ms * 1500, jitter_us: 20, consecutive_misses: answering ? 0 : 5,
    // on the agent's clock: a live path answered probes sent after the dead ones stopped answering
    last_reply_mono_ns: answering ? '2000000000' : '1000000000', late: '0', timestamps: 'kernel', delay_window_probes: 20, delay_loss: 0,
  };
}

/** A controller that never contacts an agent (start() is not called). */
function controller(t: Topology, policy: Partial<FlowPolicy> = {}): Controller {
  return new Controller({
    topology: t, agentAddress: () => 'unix:/nonexistent', log, intervalMs: 100, smoothing: 0.6,
    policy: { mode: 'least-utilized', threshold: THRESHOLD, hysteresis: 0.1, holdDownMs: 1000, ...policy },
  });
}

/** Every loop-free path between two routers (the networks here are small). */
function allPaths(g: NetGraph, from: string, to: string): string[][] {
  const out: string[][] = [];
  const walk = (path: string[]) => {
    const at = path[path.length - 1];
    if (at === to) return void out.push([...path]);
    for (const a of g.out[g.id(at)]) {
      const next = g.nodes[a.to];
      if (!path.includes(next)) walk([...path, next]);
    }
  };
  walk([from]);
  return out;
}

const linksOf = (g: NetGraph, path: string[]) => new Set(g.arcsOf(path).map((a) => a.link));
const shared = (g: NetGraph, a: string[], b: string[]) => [...linksOf(g, a)].filter((l) => linksOf(g, b).has(l)).length;

/** The policy engine alone with a meter set by hand (as policy.test.ts), flows measured. */
function engineSetup(t: Topology) {
  const meter = new Meter(t, 0.6, () => THRESHOLD);
  const engine = new PolicyEngine(t, meter, () => 100);
  const flow = (cls: string, path: string[], mbps: number, policy: Partial<FlowPolicy> = {}, dir: Direction = 'forward'): Flow => {
    meter.classRates.set(`${cls}/${dir}`, { bps: mbps * 1e6, rawBps: mbps * 1e6, pps: 0, sinceNs: 1n, wallMs: 1100 });
    return {
      cls: { ...t.classes.find((c) => c.name === cls)! }, dir, ingress: path[0], egress: path[path.length - 1], path: [...path],
      policy: { mode: 'least-utilized', threshold: THRESHOLD, hysteresis: 0.1, holdDownMs: 1000, ...policy },
      lastSwitchMonoNs: 0n, lastSwitchUnixMs: 0, switches: 0, oscillations: 0, left: [],
    };
  };
  const load = (path: string[], mbps: number) => {
    for (let i = 1; i < path.length; i++) {
      const d = meter.direction(path[i - 1], path[i]);
      d.utilization += (mbps * 1e6) / d.capacityBps;
      d.rawBps += mbps * 1e6;
      if (d.rawBps / d.capacityBps > THRESHOLD) {
        d.onsetNs ??= 5n;
        d.firstHotWallMs ??= 1000;
      }
    }
  };
  return { meter, engine, flow, load };
}

const viaR2R4 = ['r1', 'r2', 'r4', 'r6'];
const viaR2R5 = ['r1', 'r2', 'r5', 'r6'];
const viaR3 = ['r1', 'r3', 'r5', 'r6'];

describe('fast reroute: backups', () => {
  for (const name of ['reference', 'grid4x4']) {
    it(`${name}: every default flow gets a backup sharing as few links with its path as the graph allows (none where a disjoint path exists)`, () => {
      const t = loadTopology(name);
      const c = controller(t);
      c.protector.updateBackups();
      for (const f of c.flows.values()) {
        const fewest = Math.min(...allPaths(c.engine.g, f.ingress, f.egress).filter((p) => pathKey(p) !== pathKey(f.path)).map((p) => shared(c.engine.g, p, f.path)));
        expect(f.backup, `${f.cls.name} ${f.dir}`).to.not.equal(undefined);
        expect(f.backup!.path).to.not.deep.equal(f.path);
        expect(f.backup!.sharedLinks, `${f.cls.name} ${f.dir} on ${pathKey(f.path)}: ${pathKey(f.backup!.path)}`).to.have.length(fewest);
        expect(f.backup!.pinned).to.equal(false);
      }
      if (name === 'reference') expect(c.flow('high', 'forward').backup!.sharedLinks).to.deep.equal([]);
      void c.stop();
    });
  }

  it('avoids a down link', () => {
    const t = loadTopology('reference');
    const c = controller(t);
    const r3r5 = t.links.find((l) => l.name === 'r3-r5')!;
    c.meter.linkEvent(r3r5.a.router, r3r5.a.interface, false);
    c.protector.updateBackups();
    for (const f of c.flows.values()) {
      if (c.engine.g.arcsOf(f.path).some((a) => a.link === 'r3-r5')) continue;
      expect([...linksOf(c.engine.g, f.backup!.path)], `${f.cls.name} ${f.dir}`).to.not.include('r3-r5');
    }
    // high forward (r1-r2-r4-r6) had r1-r3-r5-r6, disjoint; with r3-r5 down the fewest it can share is one link
    const high = c.flow('high', 'forward');
    expect(high.backup!.path).to.deep.equal(viaR2R5);
    expect(high.backup!.sharedLinks).to.deep.equal(['r1-r2']);
    void c.stop();
  });

  it('reports the shared links when the class\'s constraints leave only overlapping paths', () => {
    const t = loadTopology('reference');
    const high = t.classes.find((x) => x.name === 'high')!;
    high.constraints = { avoidRouters: [], avoidLinks: [], via: ['r2'], maxHops: 3 };
    const c = controller(t);
    c.protector.updateBackups();
    const f = c.flow('high', 'forward');
    expect(f.path).to.deep.equal(viaR2R4);
    expect(f.backup).to.deep.equal({ path: viaR2R5, sharedLinks: ['r1-r2'], pinned: false });
    void c.stop();
  });

  it('prefers the less loaded of two equally disjoint paths, and keeps a backup within the hysteresis', () => {
    const { engine, flow, load } = engineSetup(loadTopology('grid4x4'));
    const top = ['r1', 'r2', 'r3', 'r4', 'r8', 'r12', 'r16'];
    const f = flow('high', top, 10);
    const first = chooseBackup(engine, f)!;
    expect(first.sharedLinks).to.deep.equal([]);
    // load the first choice beyond r1's and r16's links (every disjoint path takes r1-r5 and r15-r16): another disjoint path wins
    load(first.path.slice(1, -1), 60);
    const second = chooseBackup(engine, f)!;
    expect(second.sharedLinks).to.deep.equal([]);
    expect(pathKey(second.path)).to.not.equal(pathKey(first.path));
    // a backup it has is kept while as disjoint as the best and within the hysteresis (0.1) of its utilisation
    const other = ['r1', 'r5', 'r9', 'r13', 'r14', 'r15', 'r16'];
    expect(pathKey(second.path)).to.not.equal(pathKey(other));
    expect(chooseBackup(engine, f, other)!.path).to.deep.equal(other);
    expect(chooseBackup(engine, f, first.path)!.path).to.deep.equal(second.path);
  });
});

describe('fast reroute: the probe configuration of each ingress', () => {
  it('probes each path once at its smallest interval, candidates slower, one protection per flow with the class routes of its path and backup', () => {
    const t = loadTopology('reference');
    const c = controller(t);
    c.setPolicy({ cls: 'low', dir: 'forward', probeIntervalMs: 5, candidateProbeIntervalMs: 50, missThreshold: 4 });
    c.setPolicy({ cls: 'medium', dir: 'forward', fastReroute: false });
    const configs = c.protector.configs();
    expect([...configs.keys()].sort()).to.deep.equal(['r1', 'r6']);
    const r1 = configs.get('r1')!;
    const names = r1.paths!.map((p) => p.name!);
    expect(new Set(names).size, 'each path once').to.equal(names.length);
    const interval = (path: string[]) => r1.paths!.find((p) => p.name === pathKey(path))!.interval_ms;
    const high = c.flow('high', 'forward');
    const medium = c.flow('medium', 'forward');
    const low = c.flow('low', 'forward');
    // each path at the smallest interval any flow wants it at: its path and backup at probe_interval_ms, its other candidates at candidate_probe_interval_ms
    const want = new Map<string, number>();
    const wants = (path: string[], ms: number) => want.set(pathKey(path), Math.min(ms, want.get(pathKey(path)) ?? Infinity));
    for (const [f, probe, candidate] of [[high, 10, 100], [medium, 10, 100], [low, 5, 50]] as const) {
      wants(f.path, probe);
      if (f.backup) wants(f.backup.path, probe);
      for (const p of c.engine.probeCandidates(f)) wants(p, candidate);
    }
    expect(Object.fromEntries(r1.paths!.map((p) => [p.name, p.interval_ms]))).to.deep.equal(Object.fromEntries(want));
    expect(interval(low.path)).to.equal(5);
    expect(interval(medium.path)).to.equal(10);
    // a path only some flow's candidate: at that flow's candidate interval
    expect([...want.values()]).to.include.members([50]);
    for (const p of r1.paths!) expect(p.segments).to.deep.equal(probeSegments(t, p.name!.split(',')));
    // medium has fast reroute off: no backup, no protection
    expect(medium.backup).to.equal(undefined);
    expect(r1.protections!.map((p) => p.table)).to.deep.equal([high.cls.table, low.cls.table]);
    expect(r1.disable_fast_reroute).to.equal(false);
    for (const f of [high, low]) {
      const p = r1.protections!.find((x) => x.table === f.cls.table)!;
      const [primary, backup] = [classRoute(t, f.cls, 'forward', f.path), classRoute(t, f.cls, 'forward', f.backup!.path)];
      expect(p).to.deep.include({ prefix: primary.prefix, primary: pathKey(f.path), backup: pathKey(f.backup!.path), miss_threshold: f === low ? 4 : 3 });
      expect(p.primary_route).to.deep.equal({ prefix: primary.prefix, table: primary.table, segments: primary.encap!.segments, dev: primary.dev, mode: 'encap' });
      expect(p.backup_route).to.deep.equal({ prefix: backup.prefix, table: backup.table, segments: backup.encap!.segments, dev: backup.dev, mode: 'encap' });
      expect(interval(f.backup!.path)).to.equal(f === low ? 5 : 10);
    }
    // fast reroute off everywhere: the router is told so, and gets no protection
    c.setPolicy({ fastReroute: false });
    const off = c.protector.configs().get('r6')!;
    expect(off.protections).to.deep.equal([]);
    expect(off.disable_fast_reroute).to.equal(true);
    void c.stop();
  });

  it('pushes a changed configuration once, never an unchanged one; a refusal is logged and tried again on the next change', async () => {
    const t = loadTopology('reference');
    const c = controller(t);
    const sent: { router: string; config: ProbeConfig }[] = [];
    let refuse = true;
    for (const a of c.agents.values()) {
      a.state = 'connected';
      (a.client as unknown as { call: unknown }).call = async (method: string, config: ProbeConfig) => {
        expect(method).to.equal('SetProbes');
        sent.push({ router: a.router.name, config });
        if (refuse) throw Object.assign(new Error('paths[1].interval_ms: 0 is not valid: expected 1..10000'), { code: grpc.status.INVALID_ARGUMENT });
        return { paths: [], protections: [], reflected: '0', fast_reroute: true, window_ms: 1000 };
      };
    }
    const settle = () => new Promise((r) => setTimeout(r, 60));
    c.protector.refresh();
    await settle();
    expect(sent.map((s) => s.router).sort()).to.deep.equal(['r1', 'r6']);
    expect(c.protector.failures).to.equal(2);
    // the same configuration is not sent again at once...
    sent.length = 0;
    c.protector.refresh();
    await settle();
    expect(sent).to.deep.equal([]);
    // ... a change is
    refuse = false;
    c.setPolicy({ dir: 'forward', probeIntervalMs: 20 });
    c.protector.refresh();
    await settle();
    expect(sent.map((s) => s.router)).to.deep.equal(['r1']);
    expect(c.protector.acceptedConfig('r1')!.paths!.find((p) => p.name === pathKey(c.flow('high', 'forward').path))!.interval_ms).to.equal(20);
    sent.length = 0;
    c.protector.refresh();
    await settle();
    expect(sent).to.deep.equal([]);
    // an agent that reconnects gets it again
    c.protector.reconnected('r1');
    c.protector.refresh();
    await settle();
    expect(sent.map((s) => s.router)).to.deep.include('r1');
    await c.stop();
  });
});

describe('fast reroute: SetBackup and SetPolicy over gRPC', () => {
  let dir: string;
  let c: Controller;
  let server: ControllerServer;
  let client: ControllerClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'srv6-backup-'));
    const t = loadTopology('reference');
    const low = t.classes.find((x) => x.name === 'low')!;
    low.constraints = { avoidRouters: ['r4'], avoidLinks: [], via: [] };
    c = controller(t);
    c.protector.updateBackups();
    server = new ControllerServer(c);
    await server.listen([`unix:${join(dir, 'c.sock')}`]);
    client = new ControllerClient(`unix:${join(dir, 'c.sock')}`);
  });

  after(async () => {
    client.close();
    await server.shutdown();
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const refused = async (method: 'SetBackup' | 'SetPolicy', req: object): Promise<grpc.ServiceError> => {
    try {
      await client.call(method, req, 5000);
    } catch (e) {
      return e as grpc.ServiceError;
    }
    expect.fail(`${method} ${JSON.stringify(req)} was accepted`);
  };

  it('refuses, naming the field and value, and changes nothing', async () => {
    const high = c.flow('high', 'forward');
    const before = structuredClone({ backup: high.backup, pin: high.backupPin });
    const cases: [object, grpc.status, RegExp][] = [
      [{ class: 'nope', direction: 'forward', path: viaR3 }, grpc.status.INVALID_ARGUMENT, /^class: "nope" is not valid: expected a class that runs forward: high, medium, low$/],
      [{ class: 'high', direction: 'sideways', path: viaR3 }, grpc.status.INVALID_ARGUMENT, /^direction: "sideways" is not valid: expected forward or reverse$/],
      [{ class: 'high', direction: 'forward', path: ['r1', 'r4', 'r6'] }, grpc.status.INVALID_ARGUMENT, /^path: "r1,r4,r6" is not valid: expected routers from r1 to r6 along links \(.*r1.*r4/],
      [{ class: 'high', direction: 'forward', path: ['r1', 'r3', 'r6'] }, grpc.status.INVALID_ARGUMENT, /^path: "r1,r3,r6" is not valid/],
      [{ class: 'high', direction: 'forward', path: viaR2R4 }, grpc.status.INVALID_ARGUMENT, /^path: "r1,r2,r4,r6" is not valid: expected a path other than the current one \(r1-r2-r4-r6\)/],
    ];
    for (const [req, code, message] of cases) {
      const e = await refused('SetBackup', req);
      expect(e.code, JSON.stringify(req)).to.equal(code);
      expect(e.details).to.match(message);
    }
    const low = await refused('SetBackup', { class: 'low', direction: 'forward', path: viaR2R4 });
    expect(low.code).to.equal(grpc.status.INVALID_ARGUMENT);
    expect(low.details).to.match(/^path: "r1,r2,r4,r6" is not valid: expected a path that meets the class's constraints \(avoid r4: the path crosses r4\)$/);
    const r3r5 = c.t.links.find((l) => l.name === 'r3-r5')!;
    c.meter.linkEvent(r3r5.a.router, r3r5.a.interface, false);
    try {
      const down = await refused('SetBackup', { class: 'high', direction: 'forward', path: viaR3 });
      expect(down.code).to.equal(grpc.status.FAILED_PRECONDITION);
      expect(down.details).to.equal('path r1,r3,r5,r6: link r3-r5 is down');
    } finally {
      c.meter.linkEvent(r3r5.a.router, r3r5.a.interface, true);
    }
    expect({ backup: high.backup, pin: high.backupPin }).to.deep.equal(before);
  });

  it('sets an operator\'s backup (pinned, shared links reported), and hands the choice back with an empty path', async () => {
    const f = await client.call('SetBackup', { class: 'high', direction: 'forward', path: viaR2R5 }, 5000);
    expect(f).to.deep.include({ class: 'high', direction: 'forward', backup: viaR2R5, backup_shared_links: ['r1-r2'], backup_pinned: true, fast_reroute: true });
    expect(c.flow('high', 'forward').backup!.path).to.deep.equal(viaR2R5);
    const { flows } = await client.call('ListFlows', {}, 5000);
    expect(flows.find((x: { class: string; direction: string }) => x.class === 'high' && x.direction === 'forward').backup).to.deep.equal(viaR2R5);
    const auto = await client.call('SetBackup', { class: 'high', direction: 'forward', path: [] }, 5000);
    expect(auto).to.deep.include({ backup: viaR3, backup_shared_links: [], backup_pinned: false });
    const { sets } = await client.call('ListPaths', { class: 'high', direction: 'forward', k: 0 }, 5000);
    const backups = sets[0].paths.filter((p: { backup: boolean }) => p.backup);
    expect(backups.map((p: { path: string[] }) => p.path)).to.deep.equal([viaR3]);
  });

  it('SetPolicy: the probe settings in their ranges, per class and direction, reported by GetPolicy', async () => {
    const cases: [object, RegExp][] = [
      [{ probe_interval_ms: 0 }, /^probe_interval_ms: 0 is not valid: expected 1\.\.10000 milliseconds$/],
      [{ probe_interval_ms: 10_001 }, /^probe_interval_ms: 10001 is not valid: expected 1\.\.10000 milliseconds$/],
      [{ candidate_probe_interval_ms: 0 }, /^candidate_probe_interval_ms: 0 is not valid: expected 1\.\.10000 milliseconds$/],
      [{ miss_threshold: 0 }, /^miss_threshold: 0 is not valid: expected 1\.\.100 probes missed in a row$/],
      [{ miss_threshold: 101 }, /^miss_threshold: 101 is not valid: expected 1\.\.100 probes missed in a row$/],
      [{ mode: 'fastest' }, /^mode: "fastest" is not valid: expected one of static, least-utilized, lowest-delay, weighted-multipath, tiered$/],
    ];
    for (const [req, message] of cases) {
      const e = await refused('SetPolicy', { class: '', direction: '', mode: '', ...req });
      expect(e.code).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(e.details).to.match(message);
    }
    const p = await client.call('SetPolicy', { class: 'low', direction: 'reverse', mode: 'lowest-delay', fast_reroute: false, probe_interval_ms: 7, candidate_probe_interval_ms: 70, miss_threshold: 5 }, 5000);
    const low = p.flows.find((f: { class: string; direction: string }) => f.class === 'low' && f.direction === 'reverse');
    expect(low).to.deep.include({ mode: 'lowest-delay', fast_reroute: false, probe_interval_ms: 7, candidate_probe_interval_ms: 70, miss_threshold: 5, max_delay_ms: 0 });
    const other = p.flows.find((f: { class: string; direction: string }) => f.class === 'low' && f.direction === 'forward');
    expect(other).to.deep.include({ mode: 'least-utilized', fast_reroute: true, probe_interval_ms: 10, candidate_probe_interval_ms: 100, miss_threshold: 3 });
    expect(c.flow('low', 'reverse').backup).to.equal(undefined);
  });
});

describe('fast reroute: an agent\'s failover adopted as a switch', () => {
  it('moves the flow onto the backup (trigger fast-reroute, by agent, detection time), counts it, and the policy does not switch back before the hold-down', async () => {
    const t = loadTopology('reference');
    const c = controller(t);
    const server = new ControllerServer(c);
    const events: SwitchEvent[] = [];
    c.on('switch', (e: SwitchEvent) => events.push(e));
    c.protector.updateBackups();
    const f = c.flow('high', 'forward');
    const [primary, backup] = [[...f.path], f.backup!.path];
    expect(backup).to.deep.equal(viaR3);
    // the agent missed 3 probes of the primary and replaced the route
    c.probes.sample('r1', [stats(primary, 'dead'), stats(backup, 'live'), stats(viaR2R5, 'live')]);
    const reroute = {
      table: f.cls.table, prefix: endpoints(t, 'forward').destination.network, from: pathKey(primary), to: pathKey(backup),
      segments: pathSegments(t, backup, f.cls, 'forward'), last_reply_mono_ns: '5000000000', detected_mono_ns: '5031500000', acked_mono_ns: '5031700000',
      misses: 3, ok: true, error: '',
    };
    const event = c.onFastReroute(c.agents.get('r1')!, reroute)!;
    expect(f.path).to.deep.equal(backup);
    expect(f.switches).to.equal(1);
    expect(events).to.have.length(1);
    expect(event).to.deep.include({ trigger: 'fast-reroute', by: 'agent', ok: true, class: 'high', direction: 'forward', router: 'r1', from_path: primary, to_path: backup });
    expect(event.timing!.detection_ms).to.be.closeTo(31.5, 1e-9);
    expect(event.timing!).to.deep.include({ decided_mono_ns: '5031500000', kernel_acked_mono_ns: '5031700000', decision_to_ack_us: 200 });
    const metrics = await server.metrics.text();
    expect(metrics).to.include('srv6_fast_reroutes_total{class="high",direction="forward"} 1');
    expect(metrics).to.include('srv6_fast_reroutes_total{class="low",direction="forward"} 0');
    expect(metrics).to.match(/srv6_path_probe_live\{router="r1",path="r1,r2,r4,r6"\} 0/);
    expect(metrics).to.include('srv6_path_probe_delay_seconds{router="r1",path="r1,r3,r5,r6",quantile="0.5"} 0.001');
    // the histogram of the controller's switch latency leaves the agent's out
    expect(metrics).to.include('srv6_switch_latency_seconds_count 0');
    expect(stripAnsi(switchLine(event, { color: false }))).to.match(/fast-reroute {2}r1-r2-r4-r6 -> r1-r3-r5-r6 {2}by the agent {2}detection 31\.5 ms {2}detection->ack 0\.200 ms$/);
    // the old primary is dead: its links r2-r4 and r4-r6 are suspect (r1-r2 is vouched for by r1-r2-r5-r6)
    expect([...c.probes.suspectLinks()].sort()).to.deep.equal(['r2-r4', 'r4-r6']);
    // the old primary answers again and the backup gets congested: held down, no switch back yet
    c.probes.sample('r1', [stats(primary, 'live'), stats(backup, 'live'), stats(viaR2R5, 'live')]);
    c.meter.classRates.set('high/forward', { bps: 60e6, rawBps: 60e6, pps: 0, sinceNs: 1n, wallMs: 1100 });
    for (let i = 1; i < backup.length; i++) {
      const d = c.meter.direction(backup[i - 1], backup[i]);
      Object.assign(d, { rawBps: 95e6, utilization: 0.95, onsetNs: 5n, firstHotWallMs: 1000 });
    }
    const decision = c.decisions().find((d) => d.flow === f)!.decision;
    expect(decision.action, decision.reason).to.equal('hold-down');
    // a stale event (the flow is no longer on the path the agent failed over from) changes nothing
    const stale = { ...reroute, to: pathKey(viaR2R5), segments: pathSegments(t, viaR2R5, f.cls, 'forward') };
    expect(c.onFastReroute(c.agents.get('r1')!, stale)).to.equal(undefined);
    expect(f.path).to.deep.equal(backup);
    void c.stop();
  });

  it('while its ingress fails over by itself, the controller waits; after the grace, or when the agent could not, it moves the flow (path-dead)', async () => {
    const t = loadTopology('reference');
    const c = controller(t);
    for (const a of c.agents.values()) {
      a.state = 'connected';
      (a.client as unknown as { call: unknown }).call = async () => ({});
    }
    c.protector.refresh();
    await new Promise((r) => setTimeout(r, 30));
    // no switch of the controller's is sent in this test
    for (const a of c.agents.values()) a.state = 'connecting';
    const f = c.flow('high', 'forward');
    expect(c.protector.acceptedConfig('r1')!.protections!.map((p) => p.primary)).to.include(pathKey(f.path));
    c.probes.sample('r1', [stats(f.path, 'dead'), stats(f.backup!.path, 'live'), stats(viaR2R5, 'live')]);
    // just dead: a stall of its reflector looks like this for a few tens of ms; nothing moves yet
    const fresh = c.decisions().find((d) => d.flow === f)!.decision;
    expect(fresh.action, fresh.reason).to.equal('wait');
    expect(fresh.reason).to.match(/its links under suspicion by the probes for \d+ ms: moved if that lasts 200 ms/);
    // dead for longer than that (told again from the start)
    c.probes.sample('r1', [stats(f.path, 'live'), stats(f.backup!.path, 'live'), stats(viaR2R5, 'live')], monoMs() - PATH_DEAD_CONFIRM_MS - 2);
    c.probes.sample('r1', [stats(f.path, 'dead'), stats(f.backup!.path, 'live'), stats(viaR2R5, 'live')], monoMs() - PATH_DEAD_CONFIRM_MS - 1);
    const waiting = c.decisions().find((d) => d.flow === f)!.decision;
    expect(waiting.action, waiting.reason).to.equal('wait');
    expect(waiting.reason).to.match(/fails it over to the backup r1-r3-r5-r6 by itself/);
    // the agent could not (say, the route no longer carried the primary): the controller moves it now
    c.onFastReroute(c.agents.get('r1')!, {
      table: f.cls.table, prefix: endpoints(t, 'forward').destination.network, from: pathKey(f.path), to: pathKey(f.backup!.path), segments: [],
      last_reply_mono_ns: '0', detected_mono_ns: '0', acked_mono_ns: '0', misses: 3, ok: false, error: 'the backup is dead',
    });
    const moving = c.decisions().find((d) => d.flow === f)!.decision;
    expect(moving.action, moving.reason).to.equal('switch');
    expect(moving.trigger).to.equal('path-dead');
    expect(REROUTE_GRACE_MS).to.be.below(2000);
    await c.stop();
  });
});

describe('probes in the policy', () => {
  const t = loadTopology('reference');

  it('the figures: an empty sample keeps them, a full one replaces them, stale ones stop counting', () => {
    const { engine } = engineSetup(t);
    const book = engine.probes;
    const now = monoMs();
    expect(book.sample('r1', [stats(viaR2R4, 'dead'), stats(viaR3, 'live', 2)], now)).to.equal(true);
    expect(book.sample('r1', [], now)).to.equal(false);
    expect(book.state('r1', viaR2R4)).to.equal('dead');
    expect(book.delayMs('r1', viaR3)).to.equal(2);
    expect(book.delayMs('r1', viaR2R4)).to.equal(undefined);
    // a path of another ingress, or no path of the topology, is not taken; what the list leaves out is gone
    expect(book.sample('r1', [stats(['r6', 'r4', 'r2', 'r1'], 'dead'), stats(['r1', 'r4', 'r6'], 'dead'), stats(viaR3, 'live', 2)], now)).to.equal(true);
    expect([...book.entries()].map((e) => pathKey(e.path))).to.deep.equal([pathKey(viaR3)]);
    expect(book.state('r1', viaR2R4)).to.equal('unknown');
    // figures that stopped coming (the agent is gone) do not count
    expect(book.sample('r1', [stats(viaR3, 'live', 3)], now - 60_000)).to.equal(false);
    expect(book.state('r1', viaR3)).to.equal('unknown');
  });

  it('a dead path makes its links on no live path suspect: a flow without fast reroute leaves it (path-dead) and none goes back while it is dead', () => {
    const { engine, flow, load } = engineSetup(t);
    const high = flow('high', viaR2R4, 40, { fastReroute: false });
    engine.probes.sample('r1', [stats(viaR2R4, 'dead'), stats(viaR2R5, 'live'), stats(viaR3, 'live')]);
    expect([...engine.probes.suspectLinks()].sort()).to.deep.equal(['r2-r4', 'r4-r6']);
    const d = engine.round([high], 10_000_000_000n).get(high)!;
    expect(d.action, d.reason).to.equal('switch');
    expect(d.trigger).to.equal('path-dead');
    expect(d.reason).to.match(/dead by r1's probes/);
    expect(d.path.join('-')).to.not.match(/r2-r4|r4-r6/);
    // on its new path with another class, congested; the old path is empty but still dead: nobody takes it
    high.path = d.path;
    const low = flow('low', d.path, 50);
    load(d.path, 90);
    const later = engine.round([high, low], 20_000_000_000n);
    for (const x of later.values()) expect(x.path.join('-'), x.reason).to.not.match(/r2-r4|r4-r6/);
    // once it answers again it is a path like any other: the congestion sends a class there
    engine.probes.sample('r1', [stats(viaR2R4, 'live'), stats(viaR2R5, 'live'), stats(viaR3, 'live')]);
    expect(engine.probes.suspectLinks().size).to.equal(0);
    const back = [...engine.round([high, low], 30_000_000_000n).values()].filter((x) => x.action === 'switch');
    expect(back.map((x) => x.trigger)).to.deep.equal(['congestion']);
    expect(back[0].path.join('-')).to.match(/r2-r4-r6/);
  });

  it('what the policy keeps between questions follows every change: figures going stale, a link going down and up', () => {
    const { engine, meter, flow } = engineSetup(t);
    const high = flow('high', viaR2R4, 10);
    const now = monoMs();
    engine.probes.sample('r1', [stats(viaR2R4, 'dead'), stats(viaR3, 'live')], now);
    const suspect = engine.probes.suspectLinks(now);
    expect([...suspect].sort()).to.deep.equal(['r1-r2', 'r2-r4', 'r4-r6']);
    expect(engine.probes.suspectLinks(now + 1), 'the same answer while nothing changed').to.equal(suspect);
    expect(engine.probes.suspectLinks(now + 60_000).size, 'stale figures suspect nothing').to.equal(0);
    expect(engine.violation(high, viaR2R4)).to.equal('down');
    const candidates = engine.probeCandidates(high).map(pathKey);
    expect(candidates).to.include(pathKey(viaR3));
    // r3-r5 goes down (an event from r3): no probe candidate, backup or usable path crosses it any more
    const r35 = t.links.find((l) => l.name === 'r3-r5')!;
    meter.linkEvent(r35.a.router, r35.a.interface, false);
    expect(engine.violation(high, viaR3)).to.equal('down');
    expect(engine.probeCandidates(high).map(pathKey)).to.not.include(pathKey(viaR3));
    expect(engine.shortestPaths(high, 16, engine.model.down()).map((p) => engine.g.names(p).join('-'))).to.not.satisfy((ps: string[]) => ps.some((p) => p.includes('r3-r5')));
    meter.linkEvent(r35.a.router, r35.a.interface, true);
    expect(engine.violation(high, viaR3)).to.equal(undefined);
    expect(engine.probeCandidates(high).map(pathKey)).to.deep.equal(candidates);
  });

  it('a silent path (never answered) suspects nothing; a path dead by another ingress\'s probes does, for every flow', () => {
    const { engine, flow } = engineSetup(t);
    const high = flow('high', viaR2R4, 10, { fastReroute: false });
    engine.probes.sample('r1', [stats(viaR2R4, 'silent')]);
    expect(engine.round([high], 10_000_000_000n).get(high)!.action).to.equal('keep');
    engine.probes.sample('r6', [stats(['r6', 'r4', 'r2', 'r1'], 'dead'), stats(['r6', 'r5', 'r2', 'r1'], 'live')]);
    expect([...engine.probes.suspectLinks()].sort()).to.deep.equal(['r2-r4', 'r4-r6']);
    const d = engine.round([high], 10_000_000_000n).get(high)!;
    expect(d.trigger).to.equal('path-dead');
    expect(d.reason).to.match(/crosses r2-r4, r4-r6, suspect/);
  });

  it('two of an ingress\'s paths to one egress through no common router dying together: its own end stalled, no link is suspect, no other flow moves', () => {
    const { engine, flow } = engineSetup(t);
    const high = flow('high', viaR2R4, 10, { fastReroute: false });
    const [viaR5R3, viaR4R2, viaR5R2] = [['r6', 'r5', 'r3', 'r1'], ['r6', 'r4', 'r2', 'r1'], ['r6', 'r5', 'r2', 'r1']];
    engine.probes.sample('r6', [stats(viaR5R3, 'dead'), stats(viaR4R2, 'dead')]);
    expect(engine.probes.suspectLinks().size).to.equal(0);
    const d = engine.round([high], 10_000_000_000n).get(high)!;
    expect(d.action, d.reason).to.equal('keep');
    expect(engine.probes.dead('r6', viaR4R2), 'each is still its own path\'s death').to.equal(true);
    // the same two a second apart: two failures, every link of both suspect
    engine.probes.sample('r6', [stats(viaR5R3, 'dead'), { ...stats(viaR4R2, 'dead'), last_reply_mono_ns: '2000000000' }]);
    expect([...engine.probes.suspectLinks()].sort()).to.deep.equal(['r1-r2', 'r1-r3', 'r2-r4', 'r3-r5', 'r4-r6', 'r5-r6']);
    // together through a common router (r2 failing): suspect as ever
    engine.probes.sample('r6', [stats(viaR4R2, 'dead'), stats(viaR5R2, 'dead')]);
    expect([...engine.probes.suspectLinks()].sort()).to.deep.equal(['r1-r2', 'r2-r4', 'r2-r5', 'r4-r6', 'r5-r6']);
    expect(engine.violation(high, viaR2R4), 'high\'s path crosses them').to.equal('down');
  });

  it('a path another ingress\'s probes just found dead over the same links: the flow waits the confirmation too', async () => {
    const c = controller(t);
    const f = c.flow('high', 'forward');
    expect(f.path).to.deep.equal(viaR2R4);
    // r6's reverse path comes back over r1-r2-r4-r6 (its probes' return leg): it dies first; r1's own probes still answer
    c.probes.sample('r6', [stats(['r6', 'r4', 'r2', 'r1'], 'dead'), stats(['r6', 'r5', 'r3', 'r1'], 'live')]);
    c.probes.sample('r1', [stats(viaR2R4, 'live'), stats(viaR3, 'live')]);
    const d = c.decisions().find((x) => x.flow === f)!.decision;
    expect(d.action, d.reason).to.equal('wait');
    expect(d.reason).to.match(/under suspicion by the probes for \d+ ms/);
    await c.stop();
  });

  it('a death a down link explains suspects nothing else, also for a while after the link is up: no other path\'s death is confirmed by it', async () => {
    const c = controller(t, { fastReroute: false });
    const f = c.flow('high', 'forward');
    f.path = [...viaR2R5];
    const r13 = t.links.find((l) => l.name === 'r1-r3')!;
    c.meter.linkEvent(r13.a.router, r13.a.interface, false);
    // r1-r3 went down a second ago: r1-r3-r5-r6 died with it; r5-r6 and r3-r5 are not to blame
    c.probes.sample('r1', [stats(viaR3, 'dead'), stats(viaR2R5, 'live'), stats(viaR2R4, 'live')], monoMs() - 1000);
    expect([...c.probes.suspectLinks()]).to.deep.equal([]);
    c.meter.linkEvent(r13.a.router, r13.a.interface, true);
    // up again, its routes not back yet, r1-r3-r5-r6 still dead; a stall makes f's own path miss a few probes
    c.probes.sample('r1', [stats(viaR3, 'dead'), stats(viaR2R5, 'dead'), stats(viaR2R4, 'live')]);
    expect([...c.probes.suspectLinks()].sort()).to.deep.equal(['r2-r5', 'r5-r6']);
    const d = c.decisions().find((x) => x.flow === f)!.decision;
    expect(d.action, d.reason).to.equal('wait');
    expect(d.reason).to.match(/under suspicion by the probes for \d ms: moved if that lasts 200 ms/);
    // still dead well after the link came back: a death of its own
    expect([...c.probes.suspectLinks(monoMs() + 2000)].sort()).to.deep.equal(['r1-r3', 'r2-r5', 'r3-r5', 'r5-r6']);
    await c.stop();
  });

  it('tiered: a path whose link is up again keeps its rank while its probes have not answered yet; the tier waits for it, no lower tier moves', () => {
    const { engine, meter, flow } = engineSetup(t);
    const tiered = { mode: 'tiered' as const, fastReroute: false };
    // r1-r3 was down: medium (tier 2) took the detour r1-r2-r5-r6, which low (tier 3) was on already
    const high = flow('high', viaR2R4, 1, tiered);
    const medium = flow('medium', viaR2R5, 1, tiered);
    const low = flow('low', viaR2R5, 1, tiered);
    const r13 = t.links.find((l) => l.name === 'r1-r3')!;
    meter.linkEvent(r13.a.router, r13.a.interface, false);
    engine.probes.sample('r1', [stats(viaR2R4, 'live'), stats(viaR2R5, 'live'), stats(viaR3, 'dead')]);
    meter.linkEvent(r13.a.router, r13.a.interface, true);
    // up again; r1-r3-r5-r6 has not answered yet
    const d = engine.round([high, medium, low], 10_000_000_000n);
    expect(d.get(high)!.action, d.get(high)!.reason).to.equal('keep');
    expect(d.get(low)!.action, d.get(low)!.reason).to.equal('keep');
    expect(d.get(medium)!.action).to.equal('wait');
    expect(d.get(medium)!.reason).to.equal('tier 2 path r1-r3-r5-r6: its link is up again, waiting for its probes to answer');
    engine.probes.sample('r1', [stats(viaR2R4, 'live'), stats(viaR2R5, 'live'), stats(viaR3, 'live')]);
    const after = engine.round([high, medium, low], 10_000_000_000n);
    expect([after.get(medium)!.action, after.get(medium)!.path]).to.deep.equal(['switch', viaR3]);
    expect(after.get(low)!.action).to.equal('keep');
  });

  it('a live path clears its links only with an answer newer than the deaths: a slow-probed path through the failure does not', () => {
    const { engine } = engineSetup(t);
    const detour = ['r1', 'r3', 'r5', 'r2', 'r4', 'r6'];
    // r2 fails: the 10 ms paths through it died (last answers at 1000 ms); the 100 ms detour through r2-r4 last answered at 1005 ms,
    // before the failure could show (1000 + 10), and r1-r3-r5-r6 answered since
    const at = (path: string[], state: 'live' | 'dead', lastMs: number, interval: number) => ({ ...stats(path, state), interval_ms: interval, last_reply_mono_ns: String(lastMs * 1e6) });
    engine.probes.sample('r1', [at(viaR2R4, 'dead', 1000, 10), at(viaR2R5, 'dead', 1000, 10), at(detour, 'live', 1005, 100), at(viaR3, 'live', 1040, 10)]);
    expect([...engine.probes.suspectLinks()].sort(), 'the detour clears none of r2\'s links').to.deep.equal(['r1-r2', 'r2-r4', 'r2-r5', 'r4-r6']);
    // once it answers a probe sent after the deaths, its links are cleared
    engine.probes.sample('r1', [at(viaR2R4, 'dead', 1000, 10), at(viaR2R5, 'dead', 1000, 10), at(detour, 'live', 1105, 100), at(viaR3, 'live', 1140, 10)]);
    expect([...engine.probes.suspectLinks()].sort()).to.deep.equal(['r1-r2']);
  });

  it('lowest-delay takes the live candidate with the lowest delay p50, beyond the hysteresis', () => {
    const { engine, flow } = engineSetup(t);
    const high = flow('high', viaR2R4, 10, { mode: 'lowest-delay' });
    engine.probes.sample('r1', [stats(viaR2R4, 'live', 5), stats(viaR3, 'live', 1.2), stats(viaR2R5, 'live', 3)]);
    const d = engine.round([high], 10_000_000_000n).get(high)!;
    expect(d.action, d.reason).to.equal('switch');
    expect(d.trigger).to.equal('delay');
    expect(d.path).to.deep.equal(viaR3);
    // within the hysteresis (10 % of 5 ms): it stays
    engine.probes.sample('r1', [stats(viaR2R4, 'live', 5), stats(viaR3, 'live', 4.7), stats(viaR2R5, 'live', 4.8)]);
    expect(engine.round([high], 10_000_000_000n).get(high)!.action).to.equal('keep');
    // held down after a switch
    engine.probes.sample('r1', [stats(viaR2R4, 'live', 5), stats(viaR3, 'live', 1)]);
    high.lastSwitchMonoNs = 9_900_000_000n;
    expect(engine.round([high], 10_000_000_000n).get(high)!.action).to.equal('hold-down');
  });

  it('max_delay_ms: a path whose probed p50 exceeds it breaks the class\'s constraints; one without figures does not', () => {
    const { engine, flow } = engineSetup(t);
    const high = flow('high', viaR2R4, 10);
    high.cls.constraints = { ...high.cls.constraints, maxDelayMs: 2 };
    expect(engine.violation(high, viaR2R4)).to.equal(undefined);
    engine.probes.sample('r1', [stats(viaR2R4, 'live', 5), stats(viaR3, 'live', 1)]);
    expect(engine.violation(high, viaR2R4)).to.equal('max_delay');
    expect(engine.violation(high, viaR3)).to.equal(undefined);
    expect(engine.violation(high, viaR2R5)).to.equal(undefined);
    const d = engine.round([high], 10_000_000_000n).get(high)!;
    expect(d.action, d.reason).to.equal('switch');
    expect(d.trigger).to.equal('constraint');
    expect(d.reason).to.match(/p50 5\.00 ms by its probes\) is over its max_delay 2 ms/);
    expect(pathKey(d.path)).to.not.equal(pathKey(viaR2R4));
    // every path too slow: it keeps its path and says which constraint failed
    engine.probes.sample('r1', allPaths(engine.g, 'r1', 'r6').map((p) => stats(p, 'live', 5)));
    const none = engine.round([high], 10_000_000_000n).get(high)!;
    expect(none.action, none.reason).to.equal('no-alternative');
    expect(none.failedConstraint).to.equal('max_delay');
    expect(none.path).to.deep.equal(viaR2R4);
  });

  it('an ingress probes its flows\' paths and backups', () => {
    const c = controller(t);
    c.protector.updateBackups();
    const f = c.flow('medium', 'reverse');
    expect(f.path).to.deep.equal(initialPath(t, f.cls, 'reverse'));
    const names = c.protector.configs().get('r6')!.paths!.map((p) => p.name);
    expect(names).to.include(pathKey(f.path));
    expect(names).to.include(pathKey(f.backup!.path));
    void c.stop();
  });
});
