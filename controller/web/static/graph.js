// The network drawn with cytoscape: routers where the topology file puts them
// (`position`), else laid out by cytoscape's force-directed layout; the UPF
// and the server beside their routers; every link as two directed edges, one
// per direction, coloured by that direction's utilisation, with its state and
// capacity; each class's current path per direction (multipath: one line per
// weighted path), and backups.
import cytoscape from '/vendor/cytoscape.mjs';

/** class colours: none of them green, yellow or red, which mean utilisation */
export const CLASS_COLOURS = ['#2563eb', '#9333ea', '#db2777', '#0891b2', '#78350f', '#4b5563', '#4f46e5', '#be185d'];

/** green under 70 % of the threshold, then yellow, then red over it (as `srv6ctl watch`), shaded within each band */
export function utilColour(u, threshold) {
  if (!(u >= 0)) return '#9ca3af';
  if (u > threshold) return '#dc2626';
  if (u >= threshold * 0.7) return '#e0a100';
  const k = Math.min(1, u / (threshold * 0.7));
  const mix = (a, b) => Math.round(a + (b - a) * k);
  return `rgb(${mix(134, 22)}, ${mix(214, 163)}, ${mix(160, 74)})`;
}

export const pct = (u) => (u >= 0 ? `${(u * 100).toFixed(u < 0.1 ? 1 : 0)}%` : '-');
export const mbps = (x) => (x >= 100 ? `${x.toFixed(0)} Mb/s` : x >= 10 ? `${x.toFixed(1)} Mb/s` : `${x.toFixed(2)} Mb/s`);
const capText = (c) => (c >= 1000 ? `${+(c / 1000).toFixed(1)} Gb/s` : `${+c.toFixed(1)} Mb/s`);
const capWidth = (c) => Math.max(2, Math.min(8, 2 + 2 * Math.log10(Math.max(1, c / 10))));

const STYLE = [
  { selector: 'node', style: { label: 'data(label)', 'font-size': 12, 'text-valign': 'center', 'text-halign': 'center', color: '#fff', 'font-weight': 600 } },
  { selector: 'node.router', style: { shape: 'round-rectangle', width: 38, height: 28, 'background-color': '#1d2330', 'border-width': 2, 'border-color': '#1d2330' } },
  { selector: 'node.router.ingress', style: { 'border-color': '#2563eb' } },
  { selector: 'node.external', style: { shape: 'ellipse', width: 52, height: 28, 'background-color': '#e5e7eb', color: '#374151', 'font-weight': 400, 'font-size': 11 } },
  { selector: 'edge', style: { 'curve-style': 'bezier', 'control-point-step-size': 14, 'font-size': 10, 'text-background-color': '#fff', 'text-background-opacity': 0.85, 'text-background-padding': 1, 'text-rotation': 'autorotate' } },
  { selector: 'edge.ext', style: { 'line-color': '#cbd5e1', width: 3, 'curve-style': 'straight' } },
  { selector: 'edge.util', style: { 'line-color': 'data(colour)', width: 'data(width)', 'target-arrow-shape': 'triangle', 'target-arrow-color': 'data(colour)', 'arrow-scale': 0.9, label: 'data(label)', color: '#111' } },
  { selector: 'edge.util.down', style: { 'line-style': 'dashed', 'line-color': '#dc2626', 'target-arrow-color': '#dc2626', color: '#dc2626', 'font-weight': 700 } },
  { selector: 'edge.cap', style: { 'curve-style': 'haystack', 'line-opacity': 0, label: 'data(label)', color: '#6b7280', 'font-size': 9, 'text-background-opacity': 0 } },
  { selector: 'edge.path', style: { 'line-color': 'data(colour)', 'target-arrow-shape': 'vee', 'target-arrow-color': 'data(colour)', width: 'data(width)', 'arrow-scale': 0.8, label: 'data(label)', color: 'data(colour)', 'font-weight': 600, 'line-opacity': 0.9 } },
  { selector: 'edge.path.rev', style: { 'line-style': 'dashed', 'line-dash-pattern': [7, 4] } },
  { selector: 'edge.path.backup', style: { 'line-style': 'dotted', 'line-opacity': 0.8, width: 2 } },
  { selector: '.faded', style: { opacity: 0.12 } },
];

export class NetworkGraph {
  /** `view`: /api/view's answer */
  constructor(container, view, o = {}) {
    this.container = container;
    this.o = o;
    this.threshold = 0.7;
    this.flowKeys = new Set();
    this.tip = document.createElement('div');
    this.tip.className = 'graph-tip';
    Object.assign(this.tip.style, { position: 'absolute', pointerEvents: 'none', background: '#1d2330', color: '#fff', padding: '3px 6px', borderRadius: '4px', fontSize: '12px', display: 'none', zIndex: 10, whiteSpace: 'pre' });
    container.style.position = 'relative';
    container.appendChild(this.tip);
    this.build(view);
  }

  build(view) {
    this.view = view;
    const t = view.topology;
    const placed = view.routers.every((r) => Array.isArray(r.position));
    const elements = [];
    const pos = new Map(view.routers.map((r) => [r.name, r.position && { x: r.position[0], y: r.position[1] }]));
    const xs = placed ? view.routers.map((r) => r.position[0]) : [0];
    const span = Math.max(...xs) - Math.min(...xs) || 200;
    for (const r of view.routers) {
      const ingress = r.name === view.forward.ingress || r.name === view.forward.egress;
      elements.push({ group: 'nodes', data: { id: r.name, label: r.name, kind: 'router', tip: `${r.name}\nlocator ${r.locator}\nmanagement ${r.management}` }, classes: `router${ingress ? ' ingress' : ''}`, position: placed ? { ...pos.get(r.name) } : undefined });
    }
    for (const e of view.externals) {
      const at = pos.get(e.router);
      const left = e.role === 'upf';
      const position = placed ? { x: at.x + (left ? -1 : 1) * span * 0.3, y: at.y } : undefined;
      elements.push({ group: 'nodes', data: { id: `ext-${e.role}`, label: e.role === 'upf' ? 'UPF' : 'server', tip: `${e.role} ${e.address}` }, classes: 'external', position });
      elements.push({ group: 'edges', data: { id: `ext-${e.role}-${e.router}`, source: left ? `ext-${e.role}` : e.router, target: left ? e.router : `ext-${e.role}` }, classes: 'ext' });
    }
    for (const l of t.links) {
      for (const [from, to] of [[l.a, l.b], [l.b, l.a]]) {
        elements.push({ group: 'edges', data: { id: `u:${from}>${to}`, source: from, target: to, link: l.name, colour: '#9ca3af', width: capWidth(l.capacity_mbps), label: '', capacity: l.capacity_mbps }, classes: 'util' });
      }
      elements.push({ group: 'edges', data: { id: `c:${l.name}`, source: l.a, target: l.b, label: capText(l.capacity_mbps) }, classes: 'cap' });
    }
    if (this.cy) this.cy.destroy();
    this.cy = cytoscape({
      container: this.container, elements, style: STYLE, minZoom: 0.3, maxZoom: 3, boxSelectionEnabled: false, autoungrabify: false,
      layout: placed ? { name: 'preset', padding: 28 } : { name: 'cose', animate: false, padding: 28, nodeRepulsion: () => 40000, idealEdgeLength: () => 110 },
    });
    this.container.dataset.routers = String(this.cy.nodes('.router').length);
    this.container.dataset.links = String(t.links.length);
    this.cy.on('mouseover', 'node, edge', (ev) => {
      const tip = ev.target.data('tip');
      if (!tip) return;
      this.tip.textContent = tip;
      this.tip.style.display = 'block';
      this.tip.style.left = `${ev.renderedPosition.x + 12}px`;
      this.tip.style.top = `${ev.renderedPosition.y + 12}px`;
    });
    this.cy.on('mouseout', 'node, edge', () => (this.tip.style.display = 'none'));
    this.cy.on('tap', 'edge.path', (ev) => this.o.onSelectClass?.(ev.target.data('cls')));
    new ResizeObserver(() => {
      this.cy.resize();
      this.cy.fit(undefined, 28);
    }).observe(this.container);
  }

  /** The latest utilisation: link directions "from>to" -> {utilization, rate_mbps, state}. */
  setUtilization(byDirection, threshold) {
    this.threshold = threshold;
    this.cy.batch(() => {
      for (const [key, d] of byDirection) {
        const e = this.cy.getElementById(`u:${key}`);
        if (!e.nonempty()) continue;
        const down = d.state === 'down';
        e.data({
          colour: down ? '#dc2626' : utilColour(d.utilization, threshold), label: down ? 'down' : pct(d.utilization),
          tip: `${key.replace('>', ' → ')} (${e.data('link')})\n${down ? 'DOWN' : `utilisation ${pct(d.utilization)}, ${mbps(d.rate_mbps)}`}\ncapacity ${capText(e.data('capacity'))}`,
        });
        e.toggleClass('down', down);
      }
    });
  }

  /** Every class's path per direction (and backups); `selected`: "class" to bring forward. */
  setFlows(flows, o) {
    const colourOf = o.colourOf;
    const wanted = [];
    for (const f of flows) {
      const sel = !o.selected || o.selected === f.class;
      const dir = f.direction === 'forward' ? 'fwd' : 'rev';
      const key = `${f.class}/${f.direction}`;
      const add = (path, kind, label, width) => path.slice(1).forEach((to, i) => wanted.push({
        group: 'edges', classes: `path ${dir} ${kind}${sel ? '' : ' faded'}`,
        // the path is in the id: a changed path is new edges (cytoscape cannot move an edge's ends)
        data: { id: `p|${key}|${kind}|${path.join(',')}|${i}`, source: path[i], target: to, colour: colourOf(f.class), width, cls: f.class, label: i === 0 ? label : '', tip: `${f.class} ${f.direction} (${kind})\n${path.join(' → ')}` },
      }));
      if (o.showPaths) {
        if (f.multipath?.length) f.multipath.forEach((w) => add(w.path, 'current', `${f.class} ${dir} w${w.weight}`, 1.5 + Math.min(4, w.weight)));
        else add(f.path, 'current', `${f.class} ${dir}`, 3);
      }
      if (f.backup?.length && (o.showBackups || o.selected === f.class)) add(f.backup, 'backup', `${f.class} ${dir} backup`, 2);
    }
    const ids = new Set(wanted.map((e) => e.data.id));
    this.cy.batch(() => {
      this.cy.edges('.path').filter((e) => !ids.has(e.id())).remove();
      for (const e of wanted) {
        const have = this.cy.getElementById(e.data.id);
        if (have.nonempty()) {
          have.data(e.data);
          have.classes(e.classes);
        } else this.cy.add(e);
      }
    });
  }
}
