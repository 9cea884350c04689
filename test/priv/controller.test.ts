// The controller on the lab: real agents, real kernel paths, real traffic.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receiveTraffic, sendTraffic } from '../../hostsetup/lab/traffic.js';
import { loadTopology } from '../../topology/load.js';
import { pathSegments } from '../../topology/derive.js';
import {
  INTERVAL_MS, kernelSegments, labDown, labOk, sleep, startController, type RunningController,
} from '../helpers/controller.js';
import { reflectedServices } from '../helpers/grpc.js';
import { parseMetrics, sample } from '../helpers/prometheus.js';
import { requireSrv6Routes, run } from '../helpers/netns.js';

const HIGH = 0xfffc4;
const METRICS_PORT = 20000 + (process.pid % 20000);

describe('controller on the lab (privileged)', function () {
  this.timeout(180_000);
  const lab = `k${process.pid % 100000}`;
  const t = loadTopology('reference');
  const cls = (name: string) => t.classes.find((c) => c.name === name)!;
  let dir: string;
  let ctl: RunningController;

  before(async function () {
    requireSrv6Routes(this);
    dir = mkdtempSync(join(tmpdir(), 'srv6t-ctl-'));
    labOk('up', 'reference', '--name', lab, '--no-controller');
    ctl = await startController(lab, dir, ['--metrics', `127.0.0.1:${METRICS_PORT}`]);
  });

  after(async () => {
    await ctl?.stop();
    labDown(lab);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('moves the other class off a saturated forward path within 3 telemetry intervals of the sender\'s onset, and leaves the reverse direction alone', async () => {
    const watch = await ctl.client.collectSwitches();
    const rx = receiveTraffic({ netns: `${lab}-server`, port: 7001, idleMs: 1500, durationMs: 20_000 });
    // class low (r1-r2-r5-r6) carries 20 Mbit/s throughout; then class high (r1-r2-r4-r6) at 144 Mbit/s over
    // 100 Mbit/s links: r1->r2 saturates. The onset is the high sender's own start, on the wall clock
    const lowTx = sendTraffic({ netns: `${lab}-upf`, dst: 'fd03:1::200', port: 7001, pps: 2000, size: 1200, durationMs: 4500 });
    await sleep(1000);
    const onsetMs = Date.now();
    await sendTraffic({ netns: `${lab}-upf`, dst: 'fd03:1::200', port: 7001, pps: 15_000, size: 1200, durationMs: 2500, flowlabel: HIGH });
    await lowTx;
    await rx.done;
    await sleep(500);
    watch.stop();
    const low = watch.events.find((e) => e.class === 'low' && e.direction === 'forward')!;
    expect(low, JSON.stringify(watch.events)).to.not.equal(undefined);
    expect(low.trigger).to.equal('congestion');
    expect(low.ok).to.equal(true);
    expect(low.from_path).to.deep.equal(['r1', 'r2', 'r5', 'r6']);
    expect(low.to_path.slice(0, 2), JSON.stringify(watch.events.map((e) => [e.class, e.direction, e.to_path.join('-'), e.reason]))).to.not.deep.equal(['r1', 'r2']);
    const reactionMs = Number(low.unix_ms) - onsetMs;
    expect(reactionMs, 'sender onset -> switch').to.be.greaterThan(0).and.at.most(3 * INTERVAL_MS);
    console.log(`      low forward: ${low.from_path.join('-')} -> ${low.to_path.join('-')} ${reactionMs} ms after the sender's onset (${(reactionMs / INTERVAL_MS).toFixed(2)} intervals; the controller's own onset figure: ${low.timing!.onset_to_decision_ms.toFixed(0)} ms), decision -> kernel ack ${low.timing!.decision_to_ack_us.toFixed(0)} us`);
    // the class causing the congestion stays; nothing in the reverse direction moved
    expect(watch.events.filter((e) => e.class === 'high').map((e) => `${e.trigger}: ${e.reason}`)).to.deep.equal([]);
    expect(watch.events.filter((e) => e.direction === 'reverse')).to.deep.equal([]);
    // and the ingress kernel holds the new path
    expect(kernelSegments(lab, 'r1', cls('low').table)).to.deep.equal(pathSegments(t, low.to_path, cls('low'), 'forward'));
    expect(kernelSegments(lab, 'r1', cls('high').table)).to.deep.equal(pathSegments(t, ['r1', 'r2', 'r4', 'r6'], cls('high'), 'forward'));
  });

  it('loses no packet of a 10,000 packet/s stream across path switches', async () => {
    const paths = [['r1', 'r3', 'r5', 'r6'], ['r1', 'r2', 'r4', 'r6'], ['r1', 'r2', 'r5', 'r6']];
    const rx = receiveTraffic({ netns: `${lab}-server`, port: 7002, idleMs: 1000, durationMs: 30_000, expect: 30_000 });
    const tx = sendTraffic({ netns: `${lab}-upf`, dst: 'fd03:1::200', port: 7002, pps: 10_000, count: 30_000, size: 64 });
    const switches: any[] = [];
    await sleep(300);
    for (let i = 0; i < 8; i++) {
      switches.push(await ctl.client.call('SetPath', { class: 'low', direction: 'forward', path: paths[i % paths.length] }));
      await sleep(250);
    }
    const sent = await tx;
    const got = await rx.done;
    expect(switches.every((e) => e.ok)).to.equal(true);
    expect(sent.sent).to.equal(30_000);
    expect(got.lost, JSON.stringify(got)).to.equal(0);
    expect(got.unique).to.equal(30_000);
    console.log(`      8 switches under 10,000 packets/s: ${got.lost} lost, longest silence ${(got.maxInterArrivalNs / 1e6).toFixed(2)} ms, ${got.reordered} reordered`);
  });

  it('reroutes the classes on a link that goes down', async () => {
    // a class on the r1-r2 link for sure, then every class under the dynamic policy
    await ctl.client.call('SetPath', { class: 'low', direction: 'forward', path: ['r1', 'r2', 'r5', 'r6'] });
    await ctl.client.call('SetPolicy', { mode: 'least-utilized' });
    const watch = await ctl.client.collectSwitches();
    run('ip', ['-n', `${lab}-r2`, 'link', 'set', 'eth1', 'down']); // the r1-r2 link
    try {
      const crossesR1R2 = (p: string[]) => p.some((r, i) => (r === 'r1' && (p[i + 1] === 'r2' || p[i - 1] === 'r2')));
      let flows: any[] = [];
      for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(100)) {
        flows = (await ctl.client.call('ListFlows', {})).flows;
        if (!flows.some((f) => crossesR1R2(f.path))) break;
      }
      expect(flows.filter((f) => crossesR1R2(f.path)).map((f) => `${f.class} ${f.direction}`)).to.deep.equal([]);
      expect(watch.events.some((e) => e.trigger === 'link-down' && e.class === 'low' && e.direction === 'forward'), JSON.stringify(watch.events)).to.equal(true);
      for (const f of flows) {
        expect(kernelSegments(lab, f.ingress, f.table), `${f.class} ${f.direction}`).to.deep.equal(f.segments);
      }
      const ping = run('ip', ['netns', 'exec', `${lab}-upf`, 'ping', '-6', '-c', '2', '-i', '0.2', '-W', '2', 'fd03:1::200']);
      expect(ping).to.match(/2 received/);
    } finally {
      watch.stop();
      run('ip', ['-n', `${lab}-r2`, 'link', 'set', 'eth1', 'up']);
    }
  });

  it('restores a restarted agent\'s state with Sync, and traffic flows', async () => {
    const state = JSON.parse(readFileSync(`/run/srv6-lab/${lab}/lab.json`, 'utf8'));
    const before = (await ctl.client.call('ListRouters', {})).routers.find((r: any) => r.name === 'r2');
    process.kill(state.agents.r2.pid, 'SIGKILL');
    // state lost while the agent is gone
    run('ip', ['-n', `${lab}-r2`, '-6', 'route', 'del', 'fc00:2::1']);
    labOk('restart-agent', 'r2', '--name', lab);
    let r2: any;
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
      r2 = (await ctl.client.call('ListRouters', {})).routers.find((r: any) => r.name === 'r2');
      if (r2.state === 'connected' && r2.syncs > before.syncs) break;
    }
    expect(r2.state).to.equal('connected');
    expect(r2.reconnects).to.be.greaterThan(before.reconnects);
    expect(run('ip', ['-n', `${lab}-r2`, '-6', 'route', 'show', 'fc00:2::1'])).to.match(/encap seg6local action End/);
    const rx = receiveTraffic({ netns: `${lab}-server`, port: 7003, idleMs: 500, durationMs: 10_000, expect: 2000 });
    await sendTraffic({ netns: `${lab}-upf`, dst: 'fd03:1::200', port: 7003, pps: 5000, count: 2000, size: 64, flowlabel: HIGH });
    expect((await rx.done).unique).to.equal(2000);
  });

  it('reconnects and resyncs an agent that was unreachable for 10 s', async () => {
    const state = JSON.parse(readFileSync(`/run/srv6-lab/${lab}/lab.json`, 'utf8'));
    const before = (await ctl.client.call('ListRouters', {})).routers.find((r: any) => r.name === 'r4');
    process.kill(state.agents.r4.pid, 'SIGTERM');
    await sleep(10_000);
    const during = (await ctl.client.call('ListRouters', {})).routers.find((r: any) => r.name === 'r4');
    expect(during.state).to.not.equal('connected');
    labOk('restart-agent', 'r4', '--name', lab, '--graceful');
    let r4: any;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(200)) {
      r4 = (await ctl.client.call('ListRouters', {})).routers.find((r: any) => r.name === 'r4');
      if (r4.state === 'connected' && r4.syncs > before.syncs && Number(r4.telemetry_age_ms) < 5 * INTERVAL_MS) break;
    }
    expect(r4.state).to.equal('connected');
    expect(r4.syncs).to.be.greaterThan(before.syncs);
    expect(Number(r4.telemetry_age_ms)).to.be.within(0, 5 * INTERVAL_MS);
  });

  it('changes no path when the controller restarts under unchanged load', async () => {
    await ctl.client.call('SetPath', { class: 'high', direction: 'forward', path: ['r1', 'r3', 'r5', 'r6'] });
    const tables = () => ['r1', 'r6'].map((r) => run('ip', ['-n', `${lab}-${r}`, '-6', 'route', 'show', 'table', 'all', 'proto', '83']));
    const before = tables();
    await ctl.stop();
    // no controller: the routers keep forwarding on their last paths
    const rx = receiveTraffic({ netns: `${lab}-server`, port: 7004, idleMs: 500, durationMs: 10_000, expect: 3000 });
    await sendTraffic({ netns: `${lab}-upf`, dst: 'fd03:1::200', port: 7004, pps: 5000, count: 3000, size: 64, flowlabel: HIGH });
    expect((await rx.done).unique, 'packets delivered with the controller down').to.equal(3000);
    ctl = await startController(lab, dir, ['--metrics', `127.0.0.1:${METRICS_PORT}`]);
    const watch = await ctl.client.collectSwitches();
    await sleep(6 * INTERVAL_MS);
    watch.stop();
    expect(watch.events).to.deep.equal([]);
    expect(tables()).to.deep.equal(before);
    const high = (await ctl.client.call('ListFlows', {})).flows.find((f: any) => f.class === 'high' && f.direction === 'forward');
    expect(high.path).to.deep.equal(['r1', 'r3', 'r5', 'r6']);
  });

  it('spreads a class over weighted multipath: one route, a seg6 encap per nexthop', async () => {
    await ctl.client.call('SetPolicy', { class: 'medium', direction: 'forward', mode: 'weighted-multipath' });
    const segsOf = (lists: string[][]) => lists.map((l) => l.join(',')).sort();
    let route: any;
    let flow: any;
    for (const deadline = Date.now() + 8000; Date.now() < deadline; await sleep(100)) {
      route = JSON.parse(run('ip', ['-j', '-n', `${lab}-r1`, '-6', 'route', 'show', 'table', String(cls('medium').table)]))[0];
      flow = (await ctl.client.call('ListFlows', {})).flows.find((f: any) => f.class === 'medium' && f.direction === 'forward');
      if (route?.nexthops?.length === 3 && JSON.stringify(segsOf(route.nexthops.map((nh: any) => nh.segs)))
        === JSON.stringify(segsOf(flow.multipath.map((w: any) => pathSegments(t, w.path, cls('medium'), 'forward'))))) break;
    }
    const detail = JSON.stringify({ route, multipath: flow?.multipath });
    expect(route.nexthops, detail).to.have.length(3);
    for (const nh of route.nexthops) {
      expect(nh.encap, detail).to.equal('seg6');
      expect(nh.segs.at(-1), detail).to.equal('fc00:6::d2');
      expect(nh.weight, detail).to.be.within(1, 256);
    }
    // the kernel's nexthops are the controller's weighted paths (iproute2 as the reader)
    expect(segsOf(route.nexthops.map((nh: any) => nh.segs)), detail).to.deep.equal(segsOf(flow.multipath.map((w: any) => pathSegments(t, w.path, cls('medium'), 'forward'))));
    await ctl.client.call('SetPolicy', { class: 'medium', direction: 'forward', mode: 'least-utilized' });
  });

  it('gives the priority tiers the 1st, 2nd and 3rd path in tiered mode', async () => {
    await ctl.client.call('SetPolicy', { direction: 'forward', mode: 'tiered' });
    const { sets } = await ctl.client.call('ListPaths', { direction: 'forward' });
    const candidates = sets[0].paths.map((p: any) => p.path);
    const expected = Object.fromEntries(['high', 'medium', 'low'].map((c, i) => [c, pathSegments(t, candidates[i], cls(c), 'forward')]));
    let tables: Record<string, string[]> = {};
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(100)) {
      tables = Object.fromEntries(['high', 'medium', 'low'].map((c) => [c, kernelSegments(lab, 'r1', cls(c).table)]));
      if (JSON.stringify(tables) === JSON.stringify(expected)) break;
    }
    expect(tables).to.deep.equal(expected);
    await ctl.client.call('SetPolicy', { mode: 'least-utilized' });
  });

  it('serves reflection and Prometheus metrics', async () => {
    const services = await reflectedServices(`unix:${join(dir, 'controller.sock')}`);
    expect(services).to.include.members(['srv6.controller.v1.Controller', 'grpc.health.v1.Health']);
    const res = await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`);
    expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    const metrics = parseMetrics(await res.text());
    const value = (name: string, labels: Record<string, string> = {}) => Number(sample(metrics.get(name), labels)?.value);
    expect(value('srv6_agent_connected', { router: 'r1' })).to.equal(1);
    expect(value('srv6_link_up', { link: 'r1-r2' })).to.equal(1);
    const latency = sample(metrics.get('srv6_switch_latency_seconds'))!;
    expect(metrics.get('srv6_switch_latency_seconds')!.type).to.equal('HISTOGRAM');
    expect(Number(latency.count)).to.be.greaterThan(0);
    expect(Number(latency.buckets!['+Inf'])).to.equal(Number(latency.count));
    const switches = metrics.get('srv6_switches_total')!.metrics.filter((m) => m.labels?.ok === 'true' && m.labels?.trigger !== 'fast-reroute');
    expect(switches.reduce((n, m) => n + Number(m.value), 0)).to.be.at.least(Number(latency.count));
    expect(value('srv6_link_utilization', { link: 'r1-r2', from: 'r1', to: 'r2' })).to.be.within(0, 10);
    expect(metrics.get('srv6_policy_evaluation_seconds')!.type).to.equal('SUMMARY');
    expect(Number(sample(metrics.get('srv6_policy_evaluation_seconds'))!.count)).to.be.greaterThan(0);
    expect(Number(sample(metrics.get('process_cpu_seconds_total'))?.value)).to.be.greaterThan(0);
    expect(metrics.get('nodejs_eventloop_lag_seconds')?.type).to.equal('GAUGE');
  });

  it('answers bad API input with INVALID_ARGUMENT naming the field, and changes nothing', async () => {
    const before = kernelSegments(lab, 'r1', cls('low').table);
    for (const [req, re] of [
      [{ class: 'nope', direction: 'forward', path: ['r1', 'r3', 'r5', 'r6'] }, /class: "nope"/],
      [{ class: 'low', direction: 'sideways', path: ['r1', 'r3', 'r5', 'r6'] }, /direction: "sideways"/],
      [{ class: 'low', direction: 'forward', path: ['r1', 'r4', 'r6'] }, /path: "r1,r4,r6"/],
    ] as const) {
      const err = await ctl.client.call('SetPath', req).then(() => undefined, (e) => e);
      expect(err?.code, JSON.stringify(req)).to.equal(3);
      expect(err.details).to.match(re);
    }
    const err = await ctl.client.call('SetPolicy', { mode: 'fastest' }).then(() => undefined, (e) => e);
    expect(err?.details).to.match(/mode: "fastest"/);
    expect(kernelSegments(lab, 'r1', cls('low').table)).to.deep.equal(before);
  });
});
