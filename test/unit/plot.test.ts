// bench/plot: charts and the topology snapshot as SVG, and their PNG rendering.
import { Resvg } from '@resvg/resvg-js';
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cdfChart, decimate, timeSeriesChart } from '../../bench/plot/charts.js';
import { renderSvg, svgToPng, writePlot } from '../../controller/ctl/draw/png.js';
import { linearScale, logScale } from '../../controller/ctl/draw/scale.js';
import { escapeXml } from '../../controller/ctl/draw/svg.js';
import { topologySnapshot, utilizationColour } from '../../controller/ctl/draw/topology.js';
import type { Flow, LinkState, Topology } from '../../controller/ctl/types.js';
import { initialPath, loadTopology } from '../../topology/index.js';

/** resvg parses the document (it throws on XML that is not well-formed) and it has no non-numbers. */
function wellFormed(svg: string): void {
  expect(() => new Resvg(svg)).not.to.throw();
  expect(svg).not.to.match(/NaN|Infinity|undefined/);
}

const count = (s: string, needle: RegExp) => (s.match(new RegExp(needle.source, 'g')) ?? []).length;
/** The text content of every <text> element, unescaped enough for comparisons. */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('plot: svg text', () => {
  it('escapes markup characters and drops characters XML cannot hold', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).to.equal('a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;');
    expect(escapeXml('x\u0001y\uD800z')).to.equal('x\uFFFDy\uFFFDz');
  });

  it('the well-formedness check itself rejects broken XML', () => {
    expect(() => new Resvg('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>')).to.throw();
  });
});

describe('plot: scales', () => {
  it('linear ticks step by 1, 2 or 5 times a power of ten and cover the data', () => {
    const s = linearScale(0.3, 97, 5);
    expect(s.ticks).to.deep.equal([0, 20, 40, 60, 80, 100]);
    expect(s.domain).to.deep.equal([0, 100]);
    const unit = linearScale(0, 1, 10);
    expect(unit.ticks.map((t) => unit.label(t))).to.include.members(['0.0', '0.5', '1.0']);
    const equal = linearScale(7, 7, 5);
    expect(equal.domain[0]).to.be.below(7);
    expect(equal.domain[1]).to.be.above(7);
  });

  it('keeps a fixed minimum', () => {
    expect(linearScale(3, 9, 5, 0).domain[0]).to.equal(0);
  });

  it('log ticks are decades, with 2 and 5 when the axis spans two decades or less', () => {
    expect(logScale(0.2, 200).ticks).to.deep.equal([0.1, 1, 10, 100, 1000]);
    expect(logScale(0.2, 200).minor).to.include(0.2);
    expect(logScale(0.3, 0.9).ticks).to.deep.equal([0.1, 0.2, 0.5, 1]);
  });

  it('decimation keeps at most four points per pixel column, the extremes among them', () => {
    const points: [number, number][] = Array.from({ length: 10_000 }, (_, i) => [i / 100, i % 7 === 0 ? 100 : i % 13]);
    const kept = decimate(points);
    expect(kept.length).to.be.at.most(4 * 100);
    expect(Math.max(...kept.map((p) => p[1]))).to.equal(100);
    expect(Math.min(...kept.map((p) => p[1]))).to.equal(0);
  });
});

describe('plot: CDF chart', () => {
  const latencies = (n: number, scale: number) => Array.from({ length: n }, (_, i) => scale * (0.5 + (i % 97) / 50));

  it('draws one line and one legend entry per series, empty ones as "(no samples)"', () => {
    const svg = cdfChart({
      title: 'switch latency', xLabel: 'latency (ms)', logX: true,
      series: [{ name: 'controller SetPath', values: latencies(500, 0.4) }, { name: 'spawn ip', values: latencies(200, 4) },
        { name: 'docker exec ip', values: latencies(100, 80) }, { name: 'ssh', values: [] }],
    });
    wellFormed(svg);
    expect(count(svg, /class="legend-entry"/)).to.equal(4);
    expect(count(svg, /class="series"/)).to.equal(3);
    expect(svg).to.include('ssh (no samples)');
    expect(svg).to.include('controller SetPath (n=500)');
    // 0.2 ms .. 200 ms on a log axis: decade labels
    for (const label of ['0.1', '1', '10', '100', '1000']) expect(texts(svg)).to.include(label);
  });

  it('escapes series names', () => {
    const svg = cdfChart({ title: 'a & b', xLabel: 'ms', series: [{ name: 'ip <route> & co', values: [1, 2, 3] }] });
    wellFormed(svg);
    expect(svg).to.include('ip &lt;route&gt; &amp; co');
    expect(svg).not.to.include('<route>');
  });

  it('copes with no series, one value, equal values, NaN and non-positive values on a log axis', () => {
    for (const series of [[], [{ name: 'one', values: [0.5] }], [{ name: 'same', values: [3, 3, 3] }],
      [{ name: 'nan', values: [NaN, 1, Infinity, 2] }], [{ name: 'zero', values: [0, -1, 0.5] }], [{ name: 'only zero', values: [0] }]]) {
      wellFormed(cdfChart({ title: 't', xLabel: 'ms', series }));
      wellFormed(cdfChart({ title: 't', xLabel: 'ms', series, logX: true }));
    }
    expect(cdfChart({ title: 't', xLabel: 'ms', series: [{ name: 'z', values: [0, 1, 2] }], logX: true })).to.include('z (n=3, 1 ≤ 0)');
  });
});

describe('plot: time series chart', () => {
  const series = [
    { name: 'high', points: Array.from({ length: 300 }, (_, i): [number, number] => [i / 10, 20 + (i > 100 ? 60 : 0)]) },
    { name: 'low', points: Array.from({ length: 300 }, (_, i): [number, number] => [i / 10, 10]) },
  ];

  it('draws markers with their labels, and a legend entry per series', () => {
    const markers = [{ x: 10, label: 'low fwd r1-r3-r5-r6' }, { x: 10.3, label: 'high rev r6-r4-r2-r1' }, { x: 20, label: 'low fwd r1-r2-r4-r6' }];
    const svg = timeSeriesChart({ title: 'throughput', xLabel: 'time (s)', yLabel: 'Mbit/s', series, markers, yMin: 0 });
    wellFormed(svg);
    expect(count(svg, /class="marker"/)).to.equal(3);
    for (const m of markers) expect(texts(svg)).to.include(m.label);
    expect(count(svg, /class="legend-entry"/)).to.equal(2);
    expect(texts(svg)).to.include.members(['time (s)', 'Mbit/s', 'throughput']);
  });

  it('keeps marker labels apart: labels in one row do not overlap', () => {
    const markers = Array.from({ length: 6 }, (_, i) => ({ x: 10 + i * 0.4, label: `class${i} fwd r1-r2-r5-r6` }));
    const svg = timeSeriesChart({ title: 't', xLabel: 'x', yLabel: 'y', series, markers });
    wellFormed(svg);
    const labels = [...svg.matchAll(/<g class="marker">.*?<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g)]
      .map((m) => ({ x: Number(m[1]), y: Number(m[2]), w: m[3].length * 6.2 }));
    expect(labels).to.have.length(6);
    for (const a of labels) {
      for (const b of labels) {
        if (a !== b && a.y === b.y) expect(a.x + a.w <= b.x || b.x + b.w <= a.x, 'overlapping marker labels').to.equal(true);
      }
    }
  });

  it('copes with no points, one point, equal values and NaN', () => {
    const cases: { name: string; points: [number, number][] }[][] = [
      [], [{ name: 'empty', points: [] }], [{ name: 'one', points: [[3, 5]] }], [{ name: 'flat', points: [[0, 7], [1, 7]] }],
      [{ name: 'nan', points: [[NaN, 1], [1, NaN], [2, 3], [3, Infinity], [4, 4], [5, 5]] }],
    ];
    for (const s of cases) wellFormed(timeSeriesChart({ title: 't', xLabel: 'x', yLabel: 'y', series: s, markers: [{ x: 1, label: 'm' }] }));
    const nan = timeSeriesChart({ title: 't', xLabel: 'x', yLabel: 'y', series: cases[4] });
    // a gap at the NaN: a lone point and a line
    expect(count(nan, /<circle/)).to.equal(1);
    expect(count(nan, /<polyline/)).to.equal(1);
    expect(timeSeriesChart({ title: 't', xLabel: 'x', yLabel: 'y', series: cases[1] })).to.include('empty (no samples)');
  });

  it('keeps 100,000 points small: under 200 KB', () => {
    const points = Array.from({ length: 100_000 }, (_, i): [number, number] => [i / 1000, Math.sin(i / 500) * 50 + (i % 17)]);
    const svg = timeSeriesChart({ title: 'big', xLabel: 'time (s)', yLabel: 'ms', series: [{ name: 'rtt', points }, { name: 'again', points }] });
    wellFormed(svg);
    expect(svg.length).to.be.below(200_000);
    const big = cdfChart({ title: 'big', xLabel: 'ms', logX: true, series: [{ name: 'x', values: points.map((p) => Math.abs(p[1]) + 0.1) }] });
    wellFormed(big);
    expect(big.length).to.be.below(200_000);
  });
});

describe('plot: topology snapshot', () => {
  /** What GetTopology and ListFlows would return for a bundled topology, with its initial paths. */
  function snapshotInput(name: string): { topology: Topology; flows: Flow[] } {
    const t = loadTopology(name);
    const links: LinkState[] = t.links.map((l, i) => ({
      name: l.name, a: l.a.router, b: l.b.router, a_interface: l.a.interface, b_interface: l.b.interface, capacity_mbps: l.capacityMbps,
      state: i === 2 ? 'down' : 'up', utilization_ab: (i % 5) / 4, utilization_ba: 0.1, rate_ab_mbps: (i % 5) * 25, rate_ba_mbps: 10,
    }));
    const flows: Flow[] = t.classes.flatMap((c) => (['forward', 'reverse'] as const).map((direction) => {
      const path = initialPath(t, c, direction);
      return {
        class: c.name, direction, ingress: path[0], egress: path[path.length - 1], table: c.table, path, segments: [], mode: 'least-utilized',
        rate_mbps: 12.5, packets_per_s: 1000, path_utilization: 0.5, multipath: [], switches: '0', last_switch_unix_ms: '0', oscillations: '0', pin: [], pin_fallback: false, min_rate_mbps: 1,
        backup: [], backup_shared_links: [], backup_pinned: false, fast_reroute: true, probe: null,
      };
    }));
    return { topology: { name: t.name, file: t.file, routers: t.routers.map((r) => r.name), links, classes: t.classes.map((c) => c.name) }, flows };
  }

  const routerCentres = (svg: string) => new Map([...svg.matchAll(/data-router="([^"]+)"><circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"/g)]
    .map((m) => [m[1], { x: Number(m[2]), y: Number(m[3]), r: Number(m[4]) }]));

  it('draws the reference network in two rows from the UPF to the server', () => {
    const { topology, flows } = snapshotInput('reference');
    const svg = topologySnapshot(topology, flows, { title: 'reference & <co>', time: new Date('2026-11-26T10:00:00Z') });
    wellFormed(svg);
    const at = routerCentres(svg);
    expect([...at.keys()].sort()).to.deep.equal(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    const [r1, r2, r3, r4, r5, r6] = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map((r) => at.get(r)!);
    expect(r2.y).to.equal(r4.y);
    expect(r3.y).to.equal(r5.y);
    expect(r2.y).not.to.equal(r3.y);
    expect(r1.x).to.be.below(r2.x);
    expect(r2.x).to.be.below(r4.x);
    expect(r4.x).to.be.below(r6.x);
    // r2-r5 is the only diagonal: r2 and r4 on one row means r2-r4 and r3-r5 do not cross
    expect(Math.sign(r2.y - r3.y)).to.equal(Math.sign(r4.y - r5.y));
    expect(svg).to.include('reference &amp; &lt;co&gt;');
    expect(texts(svg)).to.include('2026-11-26 10:00:00 UTC');
    expect(texts(svg)).to.include.members(['UPF', 'server']);
  });

  it('draws a down link dashed and grey, and an up link as two arrows with their percentages', () => {
    const { topology, flows } = snapshotInput('reference');
    const svg = topologySnapshot(topology, flows);
    const down = topology.links[2];
    const group = svg.match(new RegExp(`<g class="link down" data-link="${down.a}-${down.b}">.*?</g>`))?.[0];
    expect(group, 'the down link').to.be.a('string');
    expect(group).to.match(/stroke="#9a9a9a"/);
    expect(group).to.match(/stroke-dasharray="/);
    expect(count(svg, /<g class="link up"/)).to.equal(topology.links.length - 1);
    expect(count(svg, /<g class="direction">/)).to.equal(2 * (topology.links.length - 1));
    expect(texts(svg)).to.include.members(['0%', '25%', '50%', '75%', '100%', 'down']);
    expect(svg).to.include(`fill="${utilizationColour(1)}"`);
  });

  it('draws every class path in its class colour, reverse dashed, with a legend row each', () => {
    const { topology, flows } = snapshotInput('reference');
    const svg = topologySnapshot(topology, flows);
    const paths = [...svg.matchAll(/<g class="path (forward|reverse)" data-class="([^"]+)"><polyline points="[^"]+" fill="none" stroke="([^"]+)"([^>]*)>/g)];
    expect(paths).to.have.length(6);
    const colour = new Map<string, string>();
    for (const [, direction, cls, stroke, rest] of paths) {
      if (colour.has(cls)) expect(stroke, `${cls} has one colour`).to.equal(colour.get(cls));
      colour.set(cls, stroke);
      expect(rest.includes('stroke-dasharray'), `${cls} ${direction} dashed`).to.equal(direction === 'reverse');
    }
    expect(new Set(colour.values()).size).to.equal(3);
    expect(count(svg, /class="legend-entry"/)).to.equal(6);
  });

  it('draws the weighted members of a multipath flow with their weights', () => {
    const { topology, flows } = snapshotInput('reference');
    flows[0].multipath = [{ path: ['r1', 'r2', 'r4', 'r6'], weight: 3 }, { path: ['r1', 'r3', 'r5', 'r6'], weight: 1 }];
    const svg = topologySnapshot(topology, flows);
    wellFormed(svg);
    expect(count(svg, /<g class="path forward" data-class="high">/)).to.equal(2);
    expect(texts(svg)).to.include.members(['w=3', 'w=1', 'weight 3 (75%)']);
  });

  it('lays out the 4x4 grid without two routers on top of each other or on the canvas edge', () => {
    const { topology, flows } = snapshotInput('grid4x4');
    const svg = topologySnapshot(topology, flows, { width: 1000, height: 600 });
    wellFormed(svg);
    const at = [...routerCentres(svg).values()];
    expect(at).to.have.length(16);
    for (const a of at) {
      expect(a.x - a.r).to.be.above(0);
      expect(a.x + a.r).to.be.below(1000);
      for (const b of at) if (a !== b) expect(Math.hypot(a.x - b.x, a.y - b.y)).to.be.above(4 * a.r);
    }
    expect(count(svg, /<g class="path /)).to.equal(6);
  });

  it('copes with no routers, no flows and routers no link reaches', () => {
    wellFormed(topologySnapshot({ name: 'empty', file: '', routers: [], links: [], classes: [] }, []));
    const { topology } = snapshotInput('reference');
    wellFormed(topologySnapshot({ ...topology, routers: [...topology.routers, 'lonely'] }, [], { time: new Date(NaN) }));
  });
});

describe('plot: PNG', () => {
  const chart = () => timeSeriesChart({
    title: 'RTT', xLabel: 'time (s)', yLabel: 'ms', series: [{ name: 'rtt', points: [[0, 1], [1, 3], [2, 2]] }], width: 1000, height: 600,
  });

  it('has the PNG signature and the width and height asked for', () => {
    for (const [asked, height] of [[undefined, 600], [500, 300], [2000, 1200]] as const) {
      const png = svgToPng(chart(), { width: asked });
      expect(png.subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');
      expect(png.subarray(12, 16).toString('latin1')).to.equal('IHDR');
      expect(png.readUInt32BE(16)).to.equal(asked ?? 1000);
      expect(png.readUInt32BE(20)).to.equal(height);
    }
  });

  it('renders the text (a font is found): the title area has dark pixels', () => {
    const image = renderSvg(chart());
    const { width, pixels } = image;
    let dark = 0;
    // the title, centred at the top: nothing else is drawn there
    for (let y = 8; y < 36; y++) {
      for (let x = 400; x < 600; x++) {
        const i = (y * width + x) * 4;
        if (pixels[i] < 100 && pixels[i + 1] < 100 && pixels[i + 2] < 100) dark++;
      }
    }
    expect(dark).to.be.above(40);
  });

  it('renders without the named font files (system fonts or none) and does not fail', () => {
    const png = renderSvg(chart(), { fontFiles: ['/nonexistent/font.ttf'] }).asPng();
    expect(png.readUInt32BE(16)).to.equal(1000);
  });

  it('writePlot writes the SVG and the PNG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plot-'));
    try {
      const files = writePlot(join(dir, 'sub'), 'rtt', chart());
      expect(files).to.deep.equal([join(dir, 'sub', 'rtt.svg'), join(dir, 'sub', 'rtt.png')]);
      expect(files.every((f) => existsSync(f))).to.equal(true);
      expect(readFileSync(files[0], 'utf8')).to.equal(chart());
      expect(readFileSync(files[1]).subarray(1, 4).toString('latin1')).to.equal('PNG');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
