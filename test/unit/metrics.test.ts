// The controller's /metrics (controller/metrics.ts, prom-client) scraped over
// HTTP from a controller without agents (a fake switch stream on r1) and read
// by a real Prometheus text-format parser: every metric the README lists, with
// its type and labels, the controller's live state at scrape time, a switch in
// the counter and the latency histogram, and prom-client's process metrics.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { Controller } from '../../controller/controller.js';
import type { ProbeStats } from '../../controller/probes.js';
import { ControllerServer } from '../../controller/server.js';
import type { SwitchStream } from '../../agent/switch-stream.js';
import { pathKey } from '../../topology/format.js';
import { loadTopology } from '../../topology/load.js';
import { parseMetrics, sample, type MetricFamily } from '../helpers/prometheus.js';

/** Every srv6_* metric: its type and label names (histogram and summary: besides le and quantile). */
const SRV6_METRICS: Record<string, [MetricFamily['type'], string[]]> = {
  srv6_switch_latency_seconds: ['HISTOGRAM', []],
  srv6_switches_total: ['COUNTER', ['class', 'direction', 'trigger', 'ok']],
  srv6_link_utilization: ['GAUGE', ['link', 'from', 'to']],
  srv6_link_up: ['GAUGE', ['link']],
  srv6_agent_connected: ['GAUGE', ['router']],
  srv6_flow_rate_bits_per_second: ['GAUGE', ['class', 'direction']],
  srv6_flow_oscillations_total: ['COUNTER', ['class', 'direction']],
  srv6_placement_rounds_total: ['COUNTER', []],
  srv6_policy_evaluation_seconds: ['SUMMARY', []],
  srv6_path_probe_live: ['GAUGE', ['router', 'path']],
  srv6_path_probe_loss_ratio: ['GAUGE', ['router', 'path']],
  srv6_path_probe_delay_seconds: ['GAUGE', ['router', 'path', 'quantile']],
  srv6_fast_reroutes_total: ['COUNTER', ['class', 'direction']],
  srv6_controller_leader: ['GAUGE', []],
  srv6_controller_elections_total: ['COUNTER', []],
  srv6_controller_fencing_refusals_total: ['COUNTER', []],
};

/** The README's list of the controller's metrics (its API paragraph, up to the next section). */
function readmeMetrics(): Set<string> {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const at = readme.indexOf('at `/metrics`');
  expect(at, 'README: the /metrics paragraph').to.be.greaterThan(0);
  const paragraph = readme.slice(at, readme.indexOf('\n## ', at));
  return new Set(paragraph.match(/\b(srv6|process|nodejs)_[a-z0-9_]+/g));
}

function probeStats(path: string[], state: 'live' | 'dead', ms: number): ProbeStats {
  const live = state === 'live';
  return {
    name: pathKey(path), segments: [], interval_ms: 10, state, sent: '100', received: live ? '100' : '0', window_probes: 100, loss: live ? 0 : 1,
    delay_min_us: ms * 900, delay_p50_us: ms * 1000, delay_p99_us: ms * 1500, jitter_us: 20, consecutive_misses: live ? 0 : 5, last_reply_mono_ns: '0', late: '0',
    timestamps: 'kernel', delay_window_probes: 20, delay_loss: 0,
  };
}

describe('controller /metrics (prom-client)', () => {
  const t = loadTopology('reference');
  let c: Controller;
  let server: ControllerServer;
  let port: number;

  before(async () => {
    // no agent is ever contacted: start() is not called
    c = new Controller({
      topology: t, agentAddress: () => 'unix:/nonexistent', log: pino({ level: 'silent' }), intervalMs: 100, smoothing: 0.6,
      policy: { mode: 'least-utilized', threshold: 0.7, hysteresis: 0.1, holdDownMs: 1000 },
    });
    server = new ControllerServer(c);
    port = await server.listenMetrics('127.0.0.1', 0);
  });

  after(async () => {
    await server.shutdown();
    await c.stop();
  });

  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).to.equal(200);
    return { contentType: res.headers.get('content-type'), text: await res.text() };
  };

  it('serves every metric the README lists, with its type and labels, in the Prometheus text format; 404 elsewhere', async () => {
    const listed = readmeMetrics();
    expect([...listed].filter((n) => n.startsWith('srv6_')).sort()).to.deep.equal(Object.keys(SRV6_METRICS).sort());
    const { contentType, text } = await scrape();
    expect(contentType).to.equal(server.metrics.registry.contentType).and.match(/^text\/plain; version=0\.0\.4/);
    const families = parseMetrics(text);
    for (const [name, [type, labels]] of Object.entries(SRV6_METRICS)) {
      const f = families.get(name);
      expect(f, name).to.not.equal(undefined);
      expect(f!.type, name).to.equal(type);
      expect(f!.help, name).to.not.equal('');
      for (const m of f!.metrics) expect(Object.keys(m.labels ?? {}), name).to.have.members(labels);
    }
    // prom-client's default metrics: process and Node.js
    for (const name of listed) if (!name.startsWith('srv6_')) expect(families.has(name), name).to.equal(true);
    expect(families.get('process_cpu_seconds_total')?.type).to.equal('COUNTER');
    expect(families.get('process_resident_memory_bytes')?.type).to.equal('GAUGE');
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).to.equal('GAUGE');
    expect(families.get('nodejs_gc_duration_seconds')?.type).to.equal('HISTOGRAM');
    expect(Number(sample(families.get('process_cpu_seconds_total'))!.value)).to.be.greaterThan(0);
    const missing = await fetch(`http://127.0.0.1:${port}/other`);
    expect([missing.status, await missing.text()]).to.deep.equal([404, 'try /metrics\n']);
  });

  it('reads the controller\'s state at scrape time: links, agents, flows, probes, evaluations', async () => {
    const r1r2 = t.links.find((l) => l.name === 'r1-r2')!;
    const d = c.meter.direction('r1', 'r2');
    d.utilization = 0.42;
    c.meter.linkEvent(r1r2.a.router, r1r2.a.interface, false);
    c.meter.classRates.set('high/forward', { bps: 12.5e6, rawBps: 12.5e6, pps: 0, sinceNs: 1n, wallMs: 1100 });
    c.agents.get('r1')!.state = 'connected';
    c.probes.sample('r1', [probeStats(['r1', 'r2', 'r4', 'r6'], 'dead', 2), probeStats(['r1', 'r3', 'r5', 'r6'], 'live', 3)]);
    c.evaluationMs.splice(0, Infinity, ...Array.from({ length: 100 }, (_, i) => 100 - i)); // 100 .. 1 ms
    const families = parseMetrics((await scrape()).text);
    const value = (name: string, labels: Record<string, string> = {}) => Number(sample(families.get(name), labels)?.value);
    expect(value('srv6_link_utilization', { link: 'r1-r2', from: 'r1', to: 'r2' })).to.equal(0.42);
    expect(value('srv6_link_up', { link: 'r1-r2' })).to.equal(0);
    expect(value('srv6_link_up', { link: 'r3-r5' })).to.equal(1);
    expect(families.get('srv6_link_up')!.metrics).to.have.length(t.links.length);
    expect(value('srv6_agent_connected', { router: 'r1' })).to.equal(1);
    expect(value('srv6_agent_connected', { router: 'r2' })).to.equal(0);
    expect(value('srv6_flow_rate_bits_per_second', { class: 'high', direction: 'forward' })).to.equal(12.5e6);
    expect(families.get('srv6_flow_oscillations_total')!.metrics).to.have.length(c.flows.size);
    expect(families.get('srv6_fast_reroutes_total')!.metrics).to.have.length(c.flows.size);
    expect(value('srv6_placement_rounds_total')).to.equal(c.engine.rounds);
    // the only controller (no etcd) writes to the routers: it leads, never elected
    expect([value('srv6_controller_leader'), value('srv6_controller_elections_total'), value('srv6_controller_fencing_refusals_total')]).to.deep.equal([1, 0, 0]);
    expect(value('srv6_path_probe_live', { router: 'r1', path: 'r1,r2,r4,r6' })).to.equal(0);
    expect(value('srv6_path_probe_live', { router: 'r1', path: 'r1,r3,r5,r6' })).to.equal(1);
    expect(value('srv6_path_probe_loss_ratio', { router: 'r1', path: 'r1,r2,r4,r6' })).to.equal(1);
    expect(value('srv6_path_probe_delay_seconds', { router: 'r1', path: 'r1,r3,r5,r6', quantile: '0' })).to.equal(0.0027);
    expect(value('srv6_path_probe_delay_seconds', { router: 'r1', path: 'r1,r3,r5,r6', quantile: '0.5' })).to.equal(0.003);
    expect(value('srv6_path_probe_delay_seconds', { router: 'r1', path: 'r1,r3,r5,r6', quantile: '0.99' })).to.equal(0.0045);
    // the policy evaluations the controller keeps (the last 1000): nearest rank, exact
    expect(sample(families.get('srv6_policy_evaluation_seconds'))).to.deep.include({ quantiles: { '0.5': '0.051', '0.99': '0.1' }, count: '100', sum: '5.05' });
    // a probe figure gone from the book is gone from the next scrape
    c.probes.forget('r1');
    expect(parseMetrics((await scrape()).text).get('srv6_path_probe_live')!.metrics).to.deep.equal([]);
  });

  it('counts a switch once: srv6_switches_total and the latency histogram', async () => {
    const before = parseMetrics((await scrape()).text);
    const count = (families: Map<string, MetricFamily>) => Number(sample(families.get('srv6_switch_latency_seconds'))!.count);
    const f = c.flow('low', 'forward');
    const to = ['r1', 'r3', 'r5', 'r6'];
    expect(f.path).to.not.deep.equal(to);
    // r1's switch stream answers at once: the kernel acknowledged now
    c.agents.get('r1')!.switcher = {
      setPath: async () => ({ results: [], kernel_ns: '1000', total_ns: '1000', acked_mono_ns: String(process.hrtime.bigint()) }),
      close: () => {},
    } as unknown as SwitchStream;
    const e = await c.switcher.switchFlow(f, to, undefined, 'congestion');
    expect(e.ok, e.error).to.equal(true);
    const latency = e.timing!.decision_to_ack_us / 1e6;
    expect(latency).to.be.greaterThan(0);
    const families = parseMetrics((await scrape()).text);
    expect(Number(sample(families.get('srv6_switches_total'), { class: 'low', direction: 'forward', trigger: 'congestion', ok: 'true' })?.value)).to.equal(1);
    const h = sample(families.get('srv6_switch_latency_seconds'))!;
    expect(count(families)).to.equal(count(before) + 1);
    expect(Number(h.sum)).to.be.closeTo(latency, 1e-12);
    expect(Object.keys(h.buckets!)).to.have.members(['0.0001', '0.00025', '0.0005', '0.001', '0.002', '0.005', '0.01', '0.05', '0.25', '1', '+Inf']);
    expect(Number(h.buckets!['+Inf'])).to.equal(1);
    expect(Number(h.buckets!['1'])).to.equal(latency <= 1 ? 1 : 0);
    // scraping again counts nothing more
    const again = parseMetrics((await scrape()).text);
    expect(count(again)).to.equal(1);
    expect(Number(sample(again.get('srv6_switches_total'), { class: 'low', direction: 'forward', trigger: 'congestion', ok: 'true' })?.value)).to.equal(1);
  });
});
