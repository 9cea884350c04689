// Several controllers, one leader through etcd: what a leader's failure costs.
// Each trial on a lab of its own with three controllers (srv6-lab up
// --controllers 3), class low carrying 20 Mbit/s forward:
//  - kill: SIGKILL the leader with nothing else happening: time until another
//    leads (by the clock here, polling GetCluster), and the routes the takeover
//    changed on every router (ip -6 route/rule, must be none);
//  - kill-congested: SIGKILL the leader and saturate low's path (class high at
//    1.44x r1->r2) at the same moment: time until low forward's route in r1's
//    kernel changes (`ip monitor route` in r1's namespace, read here: a clock
//    and a reader outside the controllers), beside the new leader's own switch
//    event; switches of low forward (one expected: none lost, none duplicated);
//  - stop: SIGSTOP the leader past its lease and SIGCONT it (split brain): time
//    until another leads, writes the agents refused for a stale election id
//    (their own counters), routes changed, who the old leader says leads.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ControllerClient } from '../controller/client.js';
import { sendTraffic } from '../hostsetup/lab/traffic.js';
import type { ClusterStatus__Output as ClusterStatus } from '../proto/gen/srv6/controller/v1/ClusterStatus.js';
import { AgentClient } from '../agent/client.js';
import { textTable, type Benchmark } from './benchmark.js';
import { BenchLab } from './lab.js';
import { goal } from './results.js';
import { percentiles } from './stats.js';
import { monitorRoutes, type RouteMonitor } from './tools/route-monitor.js';

const HIGH = 0xfffc4;
const KINDS = ['kill', 'kill-congested', 'stop'] as const;
type Kind = (typeof KINDS)[number];

interface Trial {
  kind: Kind;
  trial: number;
  old_leader: string;
  new_leader: string;
  /** failure -> another controller says it leads, ms */
  elected_ms: number;
  /** kill-congested: failure -> low forward's route replaced in r1's kernel (ip monitor), ms (-1: none) */
  first_decision_ms: number;
  /** kill-congested: failure -> the new leader's switch event for it (its own clock), ms (-1: none) */
  switch_event_ms: number;
  /** kill-congested: switches of low forward after the failure (1 expected) */
  moved_switches: number;
  /** routes and rules the failure changed on every router, besides the one a congestion switch moved */
  route_changes: number;
  /** stop: writes the agents refused for a stale election id during the trial */
  refused_at_agents: number;
}

/** every route and rule the agents own, as iproute2 prints them, a line each */
function kernelLines(lab: BenchLab): string[] {
  const ip = (ns: string, ...args: string[]) => spawnSync('ip', ['-n', ns, '-6', ...args], { encoding: 'utf8' }).stdout;
  return lab.topology.routers.flatMap((r) => [...ip(lab.ns(r.name), 'route', 'show', 'table', 'all', 'proto', '83').split('\n'), ...ip(lab.ns(r.name), 'rule', 'show').split('\n')]
    .filter(Boolean).map((l) => `${r.name} ${l}`));
}

const changed = (before: string[], after: string[], ignore: (l: string) => boolean) => {
  const a = new Set(after.filter((l) => !ignore(l)));
  const b = new Set(before.filter((l) => !ignore(l)));
  return [...a].filter((l) => !b.has(l)).length + [...b].filter((l) => !a.has(l)).length;
};

async function refusals(lab: BenchLab): Promise<number> {
  let n = 0;
  for (const a of Object.values(lab.state.agents)) {
    const c = new AgentClient(`unix:${a.socket}`);
    try {
      n += Number((await c.call('GetInfo', {})).fencing?.refusals ?? 0);
    } finally {
      c.close();
    }
  }
  return n;
}

export const haBench: Benchmark = {
  name: 'ha',
  topology: 'reference',
  description: 'three controllers, one leader through etcd: SIGKILL the leader (quiet, and under new congestion) and SIGSTOP/SIGCONT it; time to a new leader and to its first decision, switches lost or duplicated, routes the takeover changed, stale writes refused at the agents',
  options: [
    { name: 'trials', description: 'trials of each kind (a lab each)', full: '3', short: '1' },
    { name: 'lease-ttl', description: 'the leader\'s lease, s', full: '2', short: '1' },
    { name: 'interval', description: 'telemetry interval, ms', full: '100', short: '100' },
  ],

  async run(ctx) {
    const trials = Number(ctx.options.trials);
    const ttlS = Number(ctx.options['lease-ttl']);
    const interval = Number(ctx.options.interval);
    const rows: Trial[] = [];
    for (const kind of KINDS) {
      for (let trial = 1; trial <= trials; trial++) {
        ctx.log(`${kind}, trial ${trial}/${trials}`);
        rows.push(await BenchLab.with({ topology: ctx.topology, log: ctx.log, intervalMs: interval, controllers: 3, controller: ['--lease-ttl', String(ttlS)] }, (lab) => runTrial(lab, kind, trial, ttlS)));
      }
    }
    ctx.out.csv('trials.csv', rows.map((r) => ({ ...r })));
    const of = (k: Kind) => rows.filter((r) => r.kind === k);
    const med = (xs: number[]) => percentiles(xs).p50;
    const bound = 2 * ttlS * 1000 + interval;
    const decided = of('kill-congested').map((r) => (r.first_decision_ms >= 0 ? r.first_decision_ms : Infinity));
    const summary = {
      lease_ttl_s: ttlS, interval_ms: interval, trials,
      kill: { elected_ms_median: med(of('kill').map((r) => r.elected_ms)), route_changes: of('kill').reduce((a, r) => a + r.route_changes, 0) },
      kill_congested: {
        elected_ms_median: med(of('kill-congested').map((r) => r.elected_ms)), first_decision_ms_median: med(decided),
        switch_event_ms_median: med(of('kill-congested').map((r) => (r.switch_event_ms >= 0 ? r.switch_event_ms : Infinity))),
        moved_switches: of('kill-congested').map((r) => r.moved_switches), route_changes: of('kill-congested').reduce((a, r) => a + r.route_changes, 0),
      },
      stop: {
        elected_ms_median: med(of('stop').map((r) => r.elected_ms)), refused_at_agents: of('stop').reduce((a, r) => a + r.refused_at_agents, 0),
        route_changes: of('stop').reduce((a, r) => a + r.route_changes, 0),
      },
      measured: 'clock: this process (failure injected -> GetCluster polled every 20 ms; -> low forward\'s route replaced in r1\'s kernel, read by ip monitor route; beside it the switch event\'s own wall-clock time); routes: ip -6 route and rule on every router; refusals: the agents\' own GetInfo counters',
    };
    return {
      summary,
      goals: [
        goal('kill under congestion: failure -> new leader\'s first decision in r1\'s kernel (median)', med(decided), 'ms', 'max', bound),
        goal('routes changed by the takeovers (all trials)', rows.reduce((a, r) => a + r.route_changes, 0), 'routes', 'max', 0),
        goal('low forward switched once per congested kill (lost or duplicated switches)', of('kill-congested').filter((r) => r.moved_switches !== 1).length, 'trials', 'max', 0),
      ],
      table: [
        textTable([['trial', 'old -> new leader', 'elected ms', 'in r1\'s kernel ms', 'switch event ms', 'low fwd switches', 'route changes', 'refused at agents'],
          ...rows.map((r) => [`${r.kind} ${r.trial}`, `${r.old_leader} -> ${r.new_leader}`, r.elected_ms, r.first_decision_ms, r.switch_event_ms, r.moved_switches, r.route_changes, r.refused_at_agents])]),
        '',
        `lease ${ttlS} s, telemetry every ${interval} ms: a new leader's first decision is due within 2 leases + 1 interval = ${bound} ms`,
      ].join('\n'),
    };
  },
};

async function runTrial(lab: BenchLab, kind: Kind, trial: number, ttlS: number): Promise<Trial> {
  const sockets = [lab.state.controller!, ...(lab.state.controllers ?? [])].map((c) => c.socket);
  const clients = sockets.map((s) => new ControllerClient(`unix:${s}`));
  let monitor: RouteMonitor | undefined;
  try {
    const status = (c: ControllerClient): Promise<ClusterStatus | undefined> => c.call<ClusterStatus>('GetCluster', {}, 1000).catch(() => undefined);
    let leader: ClusterStatus | undefined;
    for (const deadline = Date.now() + 20_000; !(leader?.leader && leader.members.length === 3); await sleep(100)) {
      if (Date.now() > deadline) throw new Error(`no leader among the three controllers within 20 s: ${JSON.stringify(leader)}`);
      leader = await status(clients[0]);
    }
    await clients[0].waitStreaming(1000, 20_000);
    const oldIdx = Number(leader!.leader.slice(1)) - 1;
    const pid = [lab.state.controller!, ...(lab.state.controllers ?? [])][oldIdx].pid;
    const others = clients.filter((_, i) => i !== oldIdx);
    const watches = await Promise.all(others.map((c) => c.collectSwitches()));
    const low = sendTraffic({ netns: lab.ns('upf'), dst: lab.address('server'), port: 7501, pps: 2000, size: 1200, durationMs: 8000 });
    await sleep(1000);
    const before = kernelLines(lab);
    const refusedBefore = await refusals(lab);
    const lowTable = lab.topology.classes.find((c) => c.name === 'low')!.table;
    const isLowForward = (l: string) => / fd03:1::\/64 /.test(` ${l} `) && new RegExp(`\\btable ${lowTable}\\b`).test(l);
    const segs = (l: string) => /segs \d+ \[[^\]]*\]/.exec(l)?.[0];
    const segsBefore = before.filter((l) => l.startsWith('r1 ') && isLowForward(l)).map(segs);
    monitor = monitorRoutes(lab.ns('r1'));
    await monitor.ready;
    const t0 = Date.now();
    process.kill(pid, kind === 'stop' ? 'SIGSTOP' : 'SIGKILL');
    const high = kind === 'kill-congested' ? sendTraffic({ netns: lab.ns('upf'), dst: lab.address('server'), port: 7501, pps: 15_000, size: 1200, durationMs: 4000, flowlabel: HIGH }) : undefined;
    let next: ClusterStatus | undefined;
    for (const deadline = t0 + 10_000 + 2 * ttlS * 1000; ; await sleep(20)) {
      next = await status(others[0]);
      if (next?.leader && next.leader !== leader!.leader) {
        const s = await status(clients[Number(next.leader.slice(1)) - 1]);
        if (s?.role === 'leader') break;
      }
      if (Date.now() > deadline) throw new Error(`${kind}: no new leader within ${deadline - t0} ms: ${JSON.stringify(next)}`);
    }
    const electedMs = Date.now() - t0;
    if (kind === 'stop') {
      await sleep(Math.max(0, ttlS * 1000 + 500 - electedMs));
      process.kill(pid, 'SIGCONT');
      await sleep(1500);
    }
    await high;
    await low;
    await sleep(500);
    for (const w of watches) w.stop();
    monitor.stop();
    const replaced = monitor.lines.find((m) => m.unixMs >= t0 && isLowForward(m.line) && !m.line.startsWith('Deleted') && !segsBefore.includes(segs(m.line)));
    const moved = watches.flatMap((w) => w.events).filter((e) => e.class === 'low' && e.direction === 'forward' && e.ok && Number(e.unix_ms) >= t0);
    const lowForward = (l: string) => kind === 'kill-congested' && /^r1 /.test(l) && /fd03:1::\/64/.test(l);
    return {
      kind, trial, old_leader: leader!.leader, new_leader: next!.leader, elected_ms: electedMs,
      first_decision_ms: kind === 'kill-congested' && replaced ? Math.round(replaced.unixMs - t0) : -1,
      switch_event_ms: kind === 'kill-congested' && moved.length ? Number(moved[0].unix_ms) - t0 : -1,
      moved_switches: kind === 'kill-congested' ? moved.length : 0,
      route_changes: changed(before, kernelLines(lab), lowForward),
      refused_at_agents: (await refusals(lab)) - refusedBefore,
    };
  } finally {
    monitor?.stop();
    clients.forEach((c) => c.close());
  }
}
