// srv6ctl's commands on the steering: pin a path, set a backup, show or set
// the policy, and analyze what the policy would do now.
import { InvalidArgumentError, type Command } from 'commander';
import { mbps, nsAsMs, num, paint, parsePath, pathText, pct, table, usAsMs } from '../format.js';
import type { Decision, Flow, Optimum, Policy, SwitchEvent } from '../types.js';
import { globals, number, out, printJson, uint, usage, withCtl } from './common.js';

/** on / off for --fast-reroute */
function onOff(v: string): boolean {
  if (v === 'on' || v === 'true') return true;
  if (v === 'off' || v === 'false') return false;
  throw new InvalidArgumentError('expected on or off');
}

/** pin, backup, policy (show, set), analyze */
export function addPolicyCommands(program: Command): void {
  // ---------- pin ----------

  program.command('pin')
    .description('pin a class in one direction to a path (one atomic route replace on its ingress; its mode becomes static)')
    .argument('<class>', 'flow class, e.g. low')
    .argument('<direction>', 'forward (UPF -> server) or reverse')
    .argument('<path...>', 'routers in order, ingress first, egress last: r1,r3,r5,r6 (or r1 r3 r5 r6)')
    .addHelpText('after', `
Prints the switch with its timing: controller decision -> kernel acknowledged on
the ingress, decision -> reply received, and the kernel's own time.

Examples:
  srv6ctl pin low forward r1,r3,r5,r6
  srv6ctl pin high reverse r6 r4 r2 r1
  srv6ctl policy set --class low --direction forward --mode least-utilized   # back to the policy`)
    .action((cls: string, direction: string, pathArgs: string[], _o, cmd: Command) => withCtl(cmd, async (ctl, g) => {
      const path = parsePath(pathArgs);
      const e = await ctl.call<SwitchEvent>('SetPath', { class: cls, direction, path });
      if (g.json) return printJson(e);
      const t = e.timing;
      out(`${e.class} ${e.direction} pinned: ${pathText(e.from_path)} -> ${pathText(e.to_path)} (switch #${e.id}, ${e.router} table ${e.table}, segments ${e.segments.join(' ')})`);
      out(table(['', '', ''], [
        ['decision -> kernel ack', usAsMs(t?.decision_to_ack_us ?? -1), 'route replaced in the ingress\'s kernel'],
        ['decision -> reply', usAsMs(t?.decision_to_reply_us ?? -1), 'the agent\'s answer back at the controller'],
        ['kernel time', nsAsMs(t?.kernel_ns ?? 0), 'the RTM_NEWROUTE itself'],
      ]).split('\n').slice(1).map((l) => ` ${l}`).join('\n'));
      out(`mode is now static: srv6ctl policy set --class ${e.class} --direction ${e.direction} --mode least-utilized hands it back to the policy`);
    }));

  // ---------- backup ----------

  program.command('backup')
    .description('set the backup path of a class in one direction: its ingress fails over to it by itself when the current path\'s probes stop (fast reroute); no path: the controller chooses again')
    .argument('<class>', 'flow class, e.g. low')
    .argument('<direction>', 'forward (UPF -> server) or reverse')
    .argument('[path...]', 'routers in order, ingress first, egress last: r1,r3,r5,r6 (or r1 r3 r5 r6); none: automatic')
    .addHelpText('after', `
The controller's own choice: the live path meeting the class's constraints that
shares the fewest links with the current path, then the least utilised, then the
shortest. An operator's backup must be a path of the topology meeting the class's
constraints, other than the current path, over no down link; while it is the
current path or unusable, the controller's choice stands in. srv6ctl flows and
srv6ctl paths show the backup.

Examples:
  srv6ctl backup high forward r1,r3,r5,r6
  srv6ctl backup high forward                 # the controller chooses again`)
    .action((cls: string, direction: string, pathArgs: string[], _o, cmd: Command) => withCtl(cmd, async (ctl, g) => {
      const f = await ctl.call<Flow>('SetBackup', { class: cls, direction, path: parsePath(pathArgs) });
      if (g.json) return printJson(f);
      const shared = f.backup_shared_links.length ? `, sharing ${f.backup_shared_links.join(', ')} with it` : ', disjoint from it';
      if (!f.fast_reroute) out(`${f.class} ${f.direction}: fast reroute is off for this flow; the backup applies once it is on (srv6ctl policy set --fast-reroute on)`);
      else if (!f.backup.length) out(`${f.class} ${f.direction}: no backup (no other usable path)`);
      else out(`${f.class} ${f.direction} on ${pathText(f.path)}: backup ${pathText(f.backup)} (${f.backup_pinned ? 'pinned' : 'chosen by the controller'}${shared})`);
    }));

  // ---------- policy ----------

  const policy = program.command('policy')
    .description('show or change the policy: mode, threshold, hysteresis, hold-down, probes and fast reroute per flow; telemetry interval, smoothing')
    .addHelpText('after', `
Examples:
  srv6ctl policy
  srv6ctl policy set --mode least-utilized --threshold 0.7 --hysteresis 0.1   # every flow
  srv6ctl policy set --class low --direction forward --mode static
  srv6ctl policy set --class high --mode lowest-delay
  srv6ctl policy set --fast-reroute off                                       # the controller alone leaves dead paths
  srv6ctl policy set --probe-interval 5 --miss-threshold 3                    # fail over after 3 x 5 ms of silence
  srv6ctl policy set --interval 50 --smoothing 0.5`);

  function printPolicy(p: Policy, g: ReturnType<typeof globals>): void {
    if (g.json) return printJson(p);
    out(`telemetry interval ${p.interval_ms} ms, smoothing ${num(p.smoothing)} (EWMA weight of the newest sample)`);
    out(table(['CLASS', 'DIRECTION', 'MODE', 'THRESHOLD', 'HYSTERESIS', 'HOLD-DOWN', 'RATE FLOOR', 'FAST REROUTE', 'PROBE', 'CANDIDATES', 'MISSES', 'MAX DELAY'], p.flows.map((f) => [
      f.class, f.direction, f.mode, num(f.threshold), num(f.hysteresis), `${f.hold_down_ms} ms`, mbps(f.min_rate_mbps ?? 0),
      f.fast_reroute ? 'on' : 'off', `${f.probe_interval_ms} ms`, `${f.candidate_probe_interval_ms} ms`, String(f.miss_threshold), f.max_delay_ms ? `${num(f.max_delay_ms)} ms` : '-',
    ]), { right: [3, 4, 5, 6, 8, 9, 10, 11], maxWidth: g.width }));
  }

  policy.command('show', { isDefault: true })
    .description('the policy of every flow (the default)')
    .action((_o, cmd: Command) => withCtl(cmd, async (ctl, g) => printPolicy(await ctl.call<Policy>('GetPolicy'), g)));

  policy.command('set')
    .description('change the given fields only (of every flow, or of --class / --direction)')
    .option('--class <class>', 'only this class (default: every class)')
    .option('--direction <direction>', 'only this direction: forward or reverse (default: both)')
    .option('--mode <mode>', 'static, least-utilized, lowest-delay, weighted-multipath or tiered')
    .option('--threshold <x>', 'switch when the current path is more utilised than this (0..1]', number)
    .option('--hysteresis <x>', '... and an alternative is better by at least this margin [0..1]', number)
    .option('--hold-down <ms>', 'at least this long between two switches of one flow', uint())
    .option('--interval <ms>', 'telemetry interval of every agent (10..60000)', uint())
    .option('--smoothing <x>', 'EWMA weight of the newest telemetry sample (0..1]', number)
    .option('--min-rate <mbps>', 'rate floor in Mbit/s: a flow under it is never moved for congestion (0: the default, 1 % of the smallest link on its path)', number)
    .option('--fast-reroute <on|off>', 'a backup beside the path at the ingress, which fails over by itself when the path\'s probes stop', onOff)
    .option('--probe-interval <ms>', 'probe interval of the path and the backup (1..10000)', uint())
    .option('--candidate-probe-interval <ms>', 'probe interval of the other candidate paths (1..10000)', uint())
    .option('--miss-threshold <n>', 'probes missed in a row before the ingress fails over (1..100)', uint())
    .addHelpText('after', `
Modes: least-utilized (by link load), lowest-delay (the live candidate with the lowest
probed round-trip delay p50, moving when it is lower by the hysteresis as a share of the
current delay), weighted-multipath, tiered, static (only operators move it).

Example:
  srv6ctl policy set --class low --direction forward --mode least-utilized --threshold 0.5`)
    .action((o: {
      class?: string; direction?: string; mode?: string; threshold?: number; hysteresis?: number; holdDown?: number; interval?: number; smoothing?: number; minRate?: number;
      fastReroute?: boolean; probeInterval?: number; candidateProbeInterval?: number; missThreshold?: number;
    }, cmd: Command) => {
      const req: Record<string, unknown> = { class: o.class ?? '', direction: o.direction ?? '', mode: o.mode ?? '' };
      // proto3 `optional`: a field not given is not sent, and the controller leaves it unchanged
      if (o.threshold !== undefined) req.threshold = o.threshold;
      if (o.hysteresis !== undefined) req.hysteresis = o.hysteresis;
      if (o.holdDown !== undefined) req.hold_down_ms = o.holdDown;
      if (o.interval !== undefined) req.interval_ms = o.interval;
      if (o.smoothing !== undefined) req.smoothing = o.smoothing;
      if (o.minRate !== undefined) req.min_rate_mbps = o.minRate;
      if (o.fastReroute !== undefined) req.fast_reroute = o.fastReroute;
      if (o.probeInterval !== undefined) req.probe_interval_ms = o.probeInterval;
      if (o.candidateProbeInterval !== undefined) req.candidate_probe_interval_ms = o.candidateProbeInterval;
      if (o.missThreshold !== undefined) req.miss_threshold = o.missThreshold;
      if (o.mode === undefined && Object.keys(req).length === 3) {
        usage(cmd, 'nothing to change: give at least one of --mode, --threshold, --hysteresis, --hold-down, --interval, --smoothing, --min-rate, --fast-reroute, --probe-interval, --candidate-probe-interval, --miss-threshold');
      }
      return withCtl(cmd, async (ctl, g) => printPolicy(await ctl.call<Policy>('SetPolicy', req), g));
    });

  // ---------- analyze ----------

  program.command('analyze')
    .description('what the policy would do now for every flow, and why (rates, floors, the residual capacity it saw, the placement round); applies nothing')
    .option('--optimum', 'also the best placements for the rates measured now: one path per class (exact search) and fractional multipath (LP)')
    .action((o: { optimum?: boolean }, cmd: Command) => withCtl(cmd, async (ctl, g) => {
      const r = await ctl.call<{ decisions: Decision[]; optimum?: Optimum | null }>('Analyze', { optimum: !!o.optimum });
      if (g.json) return printJson(r);
      const colour = (a: string) => (a === 'switch' || a === 'weights' ? 'yellow' : a === 'no-alternative' ? 'red' : a === 'hold-down' || a === 'wait' ? 'magenta' : undefined);
      out(table(['CLASS', 'DIRECTION', 'ACTION', 'RATE', 'FLOOR', 'CURRENT', 'COST', 'PROPOSED', 'COST', 'FREE', 'REASON'], r.decisions.map((d) => [
        d.class, d.direction, paint(g, colour(d.action), d.action), mbps(d.rate_mbps), mbps(d.min_rate_mbps), pathText(d.current), pct(d.current_cost),
        d.proposed.join() === d.current.join() ? '=' : pathText(d.proposed), pct(d.proposed_cost), d.residual_mbps >= 0 ? mbps(d.residual_mbps) : '-',
        d.failed_constraint ? `[${d.failed_constraint}] ${d.reason}` : d.reason,
      ]), { right: [3, 4, 6, 8, 9], maxWidth: g.width }));
      const opt = r.optimum;
      if (!opt) return;
      out('');
      out(`for the rates measured now (${mbps(opt.demand_mbps)} in all, taken as the demands; delivered = max-min fair share):`);
      out(table(['PLACEMENT', 'DELIVERED', 'OF DEMAND', 'MAX UTIL'], [
        ['current', mbps(opt.current_delivered_mbps), pct(opt.current_delivered_mbps / (opt.demand_mbps || 1)), pct(opt.current_max_utilization)],
        [`best single path${opt.single_path_exact ? ' (exact)' : ''}`, mbps(opt.single_path_delivered_mbps), pct(opt.single_path_delivered_mbps / (opt.demand_mbps || 1)), pct(opt.single_path_max_utilization)],
        ['multipath optimum (LP)', mbps(opt.multipath_delivered_mbps), pct(opt.multipath_delivered_mbps / (opt.demand_mbps || 1)), pct(opt.multipath_min_max_utilization)],
      ], { right: [1, 2, 3], maxWidth: g.width }));
      out(table(['CLASS', 'DIRECTION', 'OPTIMAL PATH', 'DEMAND', 'DELIVERED'], opt.single_path.map((p) => [p.class, p.direction, pathText(p.path), mbps(p.demand_mbps), mbps(p.delivered_mbps)]), { right: [3, 4], maxWidth: g.width }));
      if (opt.single_path_note) out(opt.single_path_note);
    }));
}
