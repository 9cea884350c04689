// The charts, with uPlot: rates over time (a series per class and direction,
// or per link direction) and the switch-latency histogram.
import uPlot from '/vendor/uplot.mjs';

const HEIGHT = 210;

function sized(el, make) {
  const plot = make(Math.max(280, el.clientWidth));
  new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: HEIGHT })).observe(el);
  return plot;
}

/** Rates over time from the server's samples ({unix_ms, links, flows}); `pick(sample, key)` reads one series. */
export class RateChart {
  /** `series`: [{key, label, stroke, dash}] */
  constructor(el, series, pick) {
    this.el = el;
    this.pick = pick;
    this.series = series;
    this.samples = [];
    this.plot = sized(el, (width) => new uPlot({
      width, height: HEIGHT,
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{}, { label: 'Mbit/s', size: 50 }],
      legend: { live: false },
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.stroke, dash: s.dash, width: 1.5, points: { show: false } }))],
    }, [[], ...series.map(() => [])], el));
  }

  reset(samples) {
    this.samples = samples.slice();
    this.redraw();
  }

  push(sample, keep = 600) {
    this.samples.push(sample);
    if (this.samples.length > keep) this.samples.shift();
    this.redraw();
  }

  redraw() {
    const xs = this.samples.map((s) => s.unix_ms / 1000);
    const ys = this.series.map((s) => this.samples.map((x) => this.pick(x, s.key) ?? null));
    this.plot.setData([xs, ...ys]);
  }
}

/** decision -> kernel ack, ms: the histogram's bucket upper bounds */
const BOUNDS_MS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 250, 1000];
const BUCKET_LABELS = [...BOUNDS_MS.map((b) => (b >= 1000 ? `${b / 1000}k` : String(b))), `>${BOUNDS_MS[BOUNDS_MS.length - 1] / 1000}k`];

export class LatencyHistogram {
  constructor(el, summary) {
    this.summary = summary;
    const xs = BUCKET_LABELS.map((_, i) => i);
    this.xs = xs;
    this.plot = sized(el, (width) => new uPlot({
      width, height: HEIGHT,
      scales: { x: { time: false, range: [-0.6, xs.length - 0.4] }, y: { range: (u, min, max) => [0, Math.max(1, max + 1)] } },
      axes: [
        { splits: () => xs, values: (u, splits) => splits.map((i) => BUCKET_LABELS[i] ?? ''), label: 'ms (bucket upper bound), decision → kernel ack', size: 40, gap: 2 },
        { label: 'switches', size: 40, splits: (u, i, min, max) => { const step = Math.max(1, Math.ceil(max / 5)); const out = []; for (let v = 0; v <= max; v += step) out.push(v); return out; } },
      ],
      legend: { show: false },
      cursor: { show: true, points: { show: false } },
      series: [{}, { label: 'switches', fill: 'rgba(37, 99, 235, 0.55)', stroke: '#2563eb', paths: uPlot.paths.bars({ size: [0.8, 60] }), points: { show: false } }],
    }, [xs, xs.map(() => 0)], el));
  }

  /** from every successful switch with a measured decision -> ack */
  update(switches) {
    const ms = switches.filter((e) => e.ok && e.timing && e.timing.decision_to_ack_us >= 0).map((e) => e.timing.decision_to_ack_us / 1000);
    const counts = this.xs.map(() => 0);
    for (const x of ms) {
      const i = BOUNDS_MS.findIndex((b) => x <= b);
      counts[i < 0 ? BOUNDS_MS.length : i]++;
    }
    this.plot.setData([this.xs, counts]);
    const sorted = ms.sort((a, b) => a - b);
    const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    this.summary.textContent = sorted.length
      ? `decision → kernel ack over ${sorted.length} switches: p50 ${q(0.5).toFixed(3)} ms, p99 ${q(0.99).toFixed(3)} ms, max ${sorted[sorted.length - 1].toFixed(3)} ms`
      : 'decision → kernel ack: no switch yet';
  }
}
