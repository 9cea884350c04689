// The controller's Prometheus metrics, built on prom-client: a registry of
// its own (not prom-client's global one) with
//  - the controller's figures, read from its live state when /metrics is
//    scraped (collect callbacks): links, agents, flows, probes, placement
//    rounds, the policy evaluation times the controller already keeps;
//  - the switch counters and the switch latency histogram, fed by the
//    controller's switch events (a switch is counted once, when it happens);
//  - prom-client's default process and Node.js metrics (CPU, memory, file
//    descriptors, event-loop lag, GC, handles).
// Nothing here runs per telemetry sample: only per switch and per scrape.
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { pathKey } from '../topology/format.js';
import type { Controller, SwitchEvent } from './controller.js';

/** upper bounds of srv6_switch_latency_seconds, seconds */
const SWITCH_LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25, 1];
/** the quantiles of srv6_policy_evaluation_seconds */
const EVALUATION_QUANTILES = [0.5, 0.99];

/**
 * A summary (in seconds) whose quantiles, sum and count are the controller's
 * own kept evaluation times (ms, the last 1000), exact, computed at scrape time: prom-client's
 * Summary would estimate them from observations of its own (a t-digest over a
 * time window), which is neither the same numbers nor scrape-time work.
 */
class KeptSummary extends Summary {
  constructor(private readonly metric: string, help: string, registry: Registry, private readonly milliseconds: () => readonly number[]) {
    super({ name: metric, help, percentiles: EVALUATION_QUANTILES, registers: [registry] });
  }

  override async get() {
    const base = await super.get();
    const ms = [...this.milliseconds()].sort((a, b) => a - b);
    return {
      ...base,
      values: [
        // the sorted times' element floor(q * n), as the controller has always reported them
        ...EVALUATION_QUANTILES.map((q) => ({ labels: { quantile: q }, value: (ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0) / 1000 })),
        { metricName: `${this.metric}_sum`, labels: {}, value: ms.reduce((a, b) => a + b, 0) / 1000 },
        { metricName: `${this.metric}_count`, labels: {}, value: ms.length },
      ],
    };
  }
}

export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly switches: Counter<'class' | 'direction' | 'trigger' | 'ok'>;
  private readonly latency: Histogram;
  /** successful fast reroutes per "class/direction" */
  private readonly fastReroutes = new Map<string, number>();
  private http?: Server;

  constructor(c: Controller) {
    const registers = [this.registry];
    this.latency = new Histogram({
      name: 'srv6_switch_latency_seconds', help: 'Path switch latency, controller decision to kernel acknowledged on the ingress router.',
      buckets: SWITCH_LATENCY_BUCKETS, registers,
    });
    this.switches = new Counter({ name: 'srv6_switches_total', help: 'Path switches.', labelNames: ['class', 'direction', 'trigger', 'ok'], registers });
    new Gauge({
      name: 'srv6_link_utilization', help: 'Smoothed utilisation of a link direction (0..1).', labelNames: ['link', 'from', 'to'], registers,
      collect() {
        this.reset();
        for (const d of c.meter.directions.values()) this.set({ link: d.link.name, from: d.from, to: d.to }, d.utilization);
      },
    });
    new Gauge({
      name: 'srv6_controller_leader', help: 'Whether this controller writes to the routers (1: the only controller, or the elected leader of several).', registers,
      collect() {
        this.set(c.writable ? 1 : 0);
      },
    });
    new Counter({
      name: 'srv6_controller_elections_total', help: 'Times this controller was elected leader since it started.', registers,
      collect() {
        this.reset();
        this.inc(c.elections);
      },
    });
    new Counter({
      name: 'srv6_controller_fencing_refusals_total', help: 'Writes of this controller that agents refused for a stale election id.', registers,
      collect() {
        this.reset();
        this.inc(c.fencingRefusals);
      },
    });
    new Gauge({
      name: 'srv6_link_up', help: 'Link state (1 up, 0 down).', labelNames: ['link'], registers,
      collect() {
        this.reset();
        for (const l of c.t.links) this.set({ link: l.name }, c.meter.linkUp(l) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'srv6_agent_connected', help: 'Agent connection state (1 connected).', labelNames: ['router'], registers,
      collect() {
        this.reset();
        for (const a of c.agents.values()) this.set({ router: a.router.name }, a.state === 'connected' ? 1 : 0);
      },
    });
    new Counter({
      name: 'srv6_flow_oscillations_total', help: 'Returns of a flow to a path it left within a few hold-downs.', labelNames: ['class', 'direction'], registers,
      collect() {
        this.reset();
        for (const f of c.flows.values()) this.inc({ class: f.cls.name, direction: f.dir }, f.oscillations);
      },
    });
    new KeptSummary(
      'srv6_policy_evaluation_seconds', 'Time to decide every flow once (a placement round included), over the last 1000 evaluations.', this.registry,
      () => c.evaluationMs,
    );
    new Counter({
      name: 'srv6_placement_rounds_total', help: 'Placement rounds run (flows taken off and placed jointly), applied or not.', registers,
      collect() {
        this.reset();
        this.inc(c.engine.rounds);
      },
    });
    new Gauge({
      name: 'srv6_flow_rate_bits_per_second', help: 'Class rate at the egress decap SID.', labelNames: ['class', 'direction'], registers,
      collect() {
        this.reset();
        for (const f of c.flows.values()) this.set({ class: f.cls.name, direction: f.dir }, c.meter.classRate(f.cls.name, f.dir).bps);
      },
    });
    const fastReroutes = this.fastReroutes;
    new Counter({
      name: 'srv6_fast_reroutes_total', help: 'Fast reroutes: the ingress failed the flow over to its backup by itself.', labelNames: ['class', 'direction'], registers,
      collect() {
        this.reset();
        for (const f of c.flows.values()) this.inc({ class: f.cls.name, direction: f.dir }, fastReroutes.get(`${f.cls.name}/${f.dir}`) ?? 0);
      },
    });
    const probes = () => [...c.probes.entries()].map((e) => ({ labels: { router: e.router, path: pathKey(e.path) }, stats: e.stats }));
    new Gauge({
      name: 'srv6_path_probe_live', help: 'Probed path state by its ingress (1 live, 0 dead or silent).', labelNames: ['router', 'path'], registers,
      collect() {
        this.reset();
        for (const e of probes()) this.set(e.labels, e.stats.state === 'live' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'srv6_path_probe_loss_ratio', help: 'Share of the probes of the last window lost (0..1).', labelNames: ['router', 'path'], registers,
      collect() {
        this.reset();
        for (const e of probes()) this.set(e.labels, e.stats.loss);
      },
    });
    new Gauge({
      name: 'srv6_path_probe_delay_seconds', help: 'Round-trip delay of the probes over the last window (quantile 0: the minimum).',
      labelNames: ['router', 'path', 'quantile'], registers,
      collect() {
        this.reset();
        for (const e of probes()) {
          for (const [quantile, us] of [['0', e.stats.delay_min_us], ['0.5', e.stats.delay_p50_us], ['0.99', e.stats.delay_p99_us]] as const) {
            this.set({ ...e.labels, quantile }, us / 1e6);
          }
        }
      },
    });
    collectDefaultMetrics({ register: this.registry });
    c.on('switch', (e: SwitchEvent) => this.countSwitch(e));
  }

  private countSwitch(e: SwitchEvent): void {
    this.switches.inc({ class: e.class, direction: e.direction, trigger: e.trigger, ok: String(e.ok) });
    if (e.trigger === 'fast-reroute' && e.ok) this.fastReroutes.set(`${e.class}/${e.direction}`, (this.fastReroutes.get(`${e.class}/${e.direction}`) ?? 0) + 1);
    // the histogram is the controller's decisions; a fast reroute's is the agent's (its event has the timing)
    if (!e.ok || !e.timing || e.timing.decision_to_ack_us < 0 || e.by === 'agent') return;
    this.latency.observe(e.timing.decision_to_ack_us / 1e6);
  }

  /** The Prometheus text exposition format, now. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Serves /metrics (404 elsewhere); resolves with the port, rejects when it cannot listen. */
  listen(host: string, port: number): Promise<number> {
    const http = createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end('try /metrics\n');
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (e: Error) => res.writeHead(500).end(`${e.message}\n`),
      );
    });
    this.http = http;
    return new Promise((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => resolve((http.address() as { port: number }).port));
    });
  }

  close(): void {
    this.http?.close();
  }
}
