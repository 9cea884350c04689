// srv6ctl's views of the network: routers, topology, flows, candidate paths.
import type { Command } from 'commander';
import { age, flowPathText, mbps, paint, pathText, pct, pps, stateColour, table } from '../format.js';
import type { Flow, PathSet, RouterStatus, Topology } from '../types.js';
import { out, printJson, uint, withCtl } from './common.js';

/** routers, topology, flows, paths */
export function addNetworkCommands(program: Command): void {
  // ---------- routers ----------

  program.command('routers')
    .description('every router\'s agent: connection state, address, telemetry age, reconnects, syncs, last error')
    .addHelpText('after', '\nExample:\n  srv6ctl routers --json | jq -r \'.routers[] | select(.state != "connected") | .name\'')
    .action((_o, cmd: Command) => withCtl(cmd, async (ctl, g) => {
      const r = await ctl.call<{ routers: RouterStatus[] }>('ListRouters');
      if (g.json) return printJson(r);
      const connected = r.routers.filter((x) => x.state === 'connected').length;
      out(table(['ROUTER', 'STATE', 'ADDRESS', 'TELEMETRY AGE', 'RECONNECTS', 'SYNCS', 'AGENT', 'LAST ERROR'], r.routers.map((x) => [
        x.name, paint(g, stateColour(x.state), x.state), x.address, age(Number(x.telemetry_age_ms)), String(x.reconnects), String(x.syncs),
        x.agent_version || '-', x.last_error ? paint(g, 'red', x.last_error) : '',
      ]), { right: [4, 5], maxWidth: g.width }));
      out(`${connected}/${r.routers.length} connected`);
    }));

  // ---------- topology ----------

  program.command('topology')
    .description('the topology the controller runs with: links with state, capacity, utilisation and rate both ways')
    .action((_o, cmd: Command) => withCtl(cmd, async (ctl, g) => {
      const t = await ctl.call<Topology>('GetTopology');
      if (g.json) return printJson(t);
      out(`topology ${t.name} (${t.file}): routers ${t.routers.join(', ')}; classes ${t.classes.join(', ')}`);
      out(table(['LINK', 'A', 'B', 'STATE', 'CAPACITY', 'UTIL A->B', 'RATE A->B', 'UTIL B->A', 'RATE B->A'], t.links.map((l) => [
        l.name, `${l.a} ${l.a_interface}`, `${l.b} ${l.b_interface}`, paint(g, stateColour(l.state), l.state), mbps(l.capacity_mbps),
        pct(l.utilization_ab, '-'), mbps(l.rate_ab_mbps), pct(l.utilization_ba, '-'), mbps(l.rate_ba_mbps),
      ]), { right: [4, 5, 6, 7, 8], maxWidth: g.width }));
    }));

  // ---------- flows ----------

  program.command('flows')
    .description('every flow class per direction: ingress->egress, table, mode, current path (a pinned path that is down: the fallback, marked), rate, path utilisation, switches, oscillations')
    .action((_o, cmd: Command) => withCtl(cmd, async (ctl, g) => {
      const r = await ctl.call<{ flows: Flow[] }>('ListFlows');
      if (g.json) return printJson(r);
      const pathCell = (f: Flow) => (f.pin?.length && f.pin_fallback ? `${flowPathText(f)} ${paint(g, 'red', `(pinned ${pathText(f.pin)} is down)`)}` : flowPathText(f));
      out(table(['CLASS', 'DIRECTION', 'INGRESS->EGRESS', 'TABLE', 'MODE', 'PATH', 'RATE', 'PKT/S', 'PATH UTIL', 'SWITCHES', 'OSC'], r.flows.map((f) => [
        f.class, f.direction, `${f.ingress}->${f.egress}`, String(f.table), f.pin?.length ? 'pinned' : f.mode, pathCell(f), mbps(f.rate_mbps), pps(f.packets_per_s),
        pct(f.path_utilization, '-'), f.switches, f.oscillations ?? '0',
      ]), { right: [3, 6, 7, 8, 9, 10], maxWidth: g.width }));
    }));

  // ---------- paths ----------

  program.command('paths')
    .description('candidate paths per class and direction: hops, cost (bottleneck utilisation with the class moved there), * = current')
    .option('--class <class>', 'only this class')
    .option('--direction <direction>', 'only this direction: forward or reverse')
    .option('-k <n>', 'at most this many candidates per flow (default: the controller\'s)', uint(1, 64))
    .addHelpText('after', '\nExample:\n  srv6ctl paths --class low --direction forward -k 3')
    .action((o: { class?: string; direction?: string; k?: number }, cmd: Command) => withCtl(cmd, async (ctl, g) => {
      const r = await ctl.call<{ sets: PathSet[] }>('ListPaths', { class: o.class ?? '', direction: o.direction ?? '', k: o.k ?? 0 });
      if (g.json) return printJson(r);
      r.sets.forEach((s, i) => {
        if (i) out('');
        const first = s.paths[0]?.path;
        out(paint(g, 'bold', `${s.class} ${s.direction}${first?.length ? ` (${first[0]} -> ${first[first.length - 1]})` : ''}`));
        if (!s.paths.length) return out('  no usable path: every candidate crosses a down link');
        out(table(['', 'PATH', 'HOPS', 'COST', 'SEGMENTS'], s.paths.map((p) => [
          p.current ? paint(g, 'cyan', '*') : '', p.current ? paint(g, 'cyan', pathText(p.path)) : pathText(p.path), String(p.hops), pct(p.cost), p.segments.join(' '),
        ]), { right: [2, 3], maxWidth: g.width, indent: 1 }));
        if (!s.paths.some((p) => p.current)) out('  (the current path is not among these candidates: srv6ctl flows shows it)');
      });
    }));
}
