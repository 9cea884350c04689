// srv6ctl's views of the network: routers, topology, flows, candidate paths, the controllers (cluster).
import type { Command } from 'commander';
import { age, delayMs, flowPathText, mbps, paint, pathText, pct, pps, stateColour, table, type Colour } from '../format.js';
import type { ClusterStatus, Flow, PathProbe, PathSet, RouterStatus, Topology } from '../types.js';
import { out, printJson, uint, withCtl } from './common.js';

/** A probed path's state for tables: live, dead, silent, or "-" when it has no figures. */
function probeState(p: PathProbe | null | undefined, g: { color: boolean }): string {
  if (!p) return '-';
  const colour: Colour | undefined = p.state === 'live' ? 'green' : p.state === 'dead' ? 'red' : p.state === 'silent' ? 'yellow' : undefined;
  return paint(g, colour, p.state);
}

/** Whether the figures have a delay: some probe of the window came back. */
const answered = (p: PathProbe | null | undefined) => !!p && p.window_probes > 0 && p.loss < 1;

/** A flow's backup for tables: the path (pinned: an operator's), "off" without fast reroute, "-" when there is none. */
function backupCell(f: Flow, g: { color: boolean }): string {
  if (!f.fast_reroute) return paint(g, 'dim', 'off');
  if (!f.backup?.length) return '-';
  const shared = f.backup_shared_links?.length ? paint(g, 'yellow', ` (shares ${f.backup_shared_links.join(', ')})`) : '';
  return `${pathText(f.backup)}${f.backup_pinned ? ' (pinned)' : ''}${shared}`;
}

/** routers, cluster, topology, flows, paths */
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

  // ---------- cluster ----------

  program.command('cluster')
    .description('the controllers sharing the network through etcd: who leads, since when, its election id, lease age, each one\'s view of the agents')
    .addHelpText('after', `
Any controller answers, leader or follower (followers forward writes to the leader).
A single controller without etcd says so.

Examples:
  srv6ctl cluster
  srv6ctl --controller unix:/run/srv6-lab/srv6lab/controller-2.sock cluster --json`)
    .action((_o, cmd: Command) => withCtl(cmd, async (ctl, g) => {
      const c = await ctl.call<ClusterStatus>('GetCluster');
      if (g.json) return printJson(c);
      if (c.mode === 'single') return out('a single controller (no etcd): it leads by itself');
      const since = Number(c.leader_since_unix_ms);
      out(`etcd ${c.etcd_endpoints.join(', ')}; this controller: ${c.self}, ${paint(g, c.role === 'leader' ? 'green' : c.role === 'follower' ? undefined : 'red', c.role)}` +
        `${Number(c.lease_age_ms) >= 0 ? `, lease refreshed ${age(Number(c.lease_age_ms))} ago` : ''}`);
      out(c.leader
        ? `leader: ${c.leader} at ${c.leader_address}, election id ${c.election_id}${since ? `, since ${new Date(since).toISOString()}` : ''}`
        : paint(g, 'red', `no leader${c.reason ? `: ${c.reason}` : ''}`));
      if (c.leader && c.reason) out(c.reason);
      out(table(['MEMBER', 'ROLE', 'ADDRESS', 'AGENTS CONNECTED', 'NOT CONNECTED', 'PUBLISHED'], c.members.map((m) => {
        const up = m.agents.filter((a) => a.state === 'connected');
        return [
          m.id === c.self ? `${m.id} (this)` : m.id, paint(g, m.role === 'leader' ? 'green' : undefined, m.role), m.address, `${up.length}/${m.agents.length}`,
          m.agents.filter((a) => a.state !== 'connected').map((a) => `${a.router} ${a.state}`).join(', '), `${age(Date.now() - Number(m.published_unix_ms))} ago`,
        ];
      }), { maxWidth: g.width }));
      out(`${c.members.length} member(s); this controller was elected ${c.elections} time(s); agents refused ${c.fencing_refusals} of its writes (stale election id)`);
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
    .description('every flow class per direction: ingress->egress, table, mode, current path (a pinned path that is down: the fallback, marked), rate, path utilisation, switches, oscillations, the backup its ingress fails over to (fast reroute) and the probed delay of the path')
    .action((_o, cmd: Command) => withCtl(cmd, async (ctl, g) => {
      const r = await ctl.call<{ flows: Flow[] }>('ListFlows');
      if (g.json) return printJson(r);
      const pathCell = (f: Flow) => (f.pin?.length && f.pin_fallback ? `${flowPathText(f)} ${paint(g, 'red', `(pinned ${pathText(f.pin)} is down)`)}` : flowPathText(f));
      out(table(['CLASS', 'DIRECTION', 'INGRESS->EGRESS', 'TABLE', 'MODE', 'PATH', 'RATE', 'PKT/S', 'PATH UTIL', 'DELAY', 'SWITCHES', 'OSC', 'BACKUP'], r.flows.map((f) => [
        f.class, f.direction, `${f.ingress}->${f.egress}`, String(f.table), f.pin?.length ? 'pinned' : f.mode, pathCell(f), mbps(f.rate_mbps), pps(f.packets_per_s),
        pct(f.path_utilization, '-'), f.probe?.state === 'live' && answered(f.probe) ? delayMs(f.probe.delay_p50_ms) : probeState(f.probe, g), f.switches, f.oscillations ?? '0', backupCell(f, g),
      ]), { right: [3, 6, 7, 8, 9, 10, 11], maxWidth: g.width }));
    }));

  // ---------- paths ----------

  program.command('paths')
    .description('candidate paths per class and direction: hops, cost (bottleneck utilisation with the class moved there), probes (loss, round-trip delay p50/p99 in ms, state), * = current, b = the backup')
    .option('--class <class>', 'only this class')
    .option('--direction <direction>', 'only this direction: forward or reverse')
    .option('-k <n>', 'at most this many candidates per flow (default: the controller\'s)', uint(1, 64))
    .addHelpText('after', `
The candidates are the controller's link-diverse paths over the links that are up
(a path its ingress's probes say is dead is listed, STATE dead, and is not taken).
LOSS, DELAY (round trip, ms) and STATE come from the ingress's probes over their
last window; "-": not probed yet. * marks the current path, b the backup its
ingress fails over to by itself (srv6ctl backup sets one).

Example:
  srv6ctl paths --class low --direction forward -k 3`)
    .action((o: { class?: string; direction?: string; k?: number }, cmd: Command) => withCtl(cmd, async (ctl, g) => {
      const r = await ctl.call<{ sets: PathSet[] }>('ListPaths', { class: o.class ?? '', direction: o.direction ?? '', k: o.k ?? 0 });
      if (g.json) return printJson(r);
      r.sets.forEach((s, i) => {
        if (i) out('');
        const first = s.paths[0]?.path;
        out(paint(g, 'bold', `${s.class} ${s.direction}${first?.length ? ` (${first[0]} -> ${first[first.length - 1]})` : ''}`));
        if (!s.paths.length) return out('  no usable path: every candidate crosses a down link');
        out(table(['', 'PATH', 'HOPS', 'COST', 'LOSS', 'DELAY P50', 'P99', 'STATE', 'SEGMENTS'], s.paths.map((p) => [
          p.current ? paint(g, 'cyan', '*') : p.backup ? paint(g, 'magenta', 'b') : '',
          p.current ? paint(g, 'cyan', pathText(p.path)) : p.backup ? paint(g, 'magenta', pathText(p.path)) : pathText(p.path), String(p.hops), pct(p.cost),
          p.probe ? pct(p.probe.loss, '-') : '-', ...(answered(p.probe) ? [delayMs(p.probe!.delay_p50_ms), delayMs(p.probe!.delay_p99_ms)] : ['-', '-']), probeState(p.probe, g), p.segments.join(' '),
        ]), { right: [2, 3, 4, 5, 6], maxWidth: g.width, indent: 1 }));
        if (!s.paths.some((p) => p.current)) out('  (the current path is not among these candidates: srv6ctl flows shows it)');
      });
    }));
}
