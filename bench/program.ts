// Route programming rate, side by side in one run: 20,000 seg6 encap routes
// installed (and then all replaced) through the agent's Apply over gRPC (sent
// by AgentClient as any large batch is: routes in compact form), through
// `ip -batch`, and through our netlink layer directly (no gRPC), in
// alternating rounds; the median round of each is compared.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient } from '../agent/client.js';
import { C, encodeRoute, Rtnl, type Route } from '../netlink/index.js';
import { ScratchNetns, startAgent, veth } from '../hostsetup/scratch.js';
import { textTable, type Benchmark } from './benchmark.js';
import { goal, type Row } from './results.js';
import { median } from './stats.js';

const seg = (i: number, k: number) => `fc00:${(k % 6) + 1}::${(i % 0xfff) + 1}`;
const prefixOf = (i: number) => `fd10:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::/64`;
const segmentsOf = (i: number, variant: number) => [seg(i, variant), seg(i, variant + 1), 'fc00:6::d6'];

function timeIt(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function timeItAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

function ipBatch(ns: ScratchNetns, routes: number, verb: 'add' | 'replace', table: number, variant: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'srv6-bench-'));
  const file = join(dir, 'batch');
  const lines: string[] = [];
  for (let i = 0; i < routes; i++) lines.push(`route ${verb} ${prefixOf(i)} encap seg6 mode encap segs ${segmentsOf(i, variant).join(',')} dev eth0 table ${table}`);
  writeFileSync(file, lines.join('\n') + '\n');
  try {
    return timeIt(() => {
      const r = spawnSync('ip', ['-6', '-n', ns.name, '-batch', file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ip -batch failed: ${r.stderr}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function flushTable(ns: ScratchNetns, table: number): void {
  ns.ip('-6', 'route', 'flush', 'table', String(table));
}

function countRoutes(ns: ScratchNetns, table: number): number {
  return ns.ipJson<unknown[]>('-6', 'route', 'show', 'table', String(table)).length;
}

export const programBench: Benchmark = {
  name: 'program',
  topology: 'none',
  description: 'route programming rate (seg6 encap routes): agent Apply and our netlink layer vs ip -batch',
  options: [
    { name: 'routes', description: 'routes per round', full: '20000', short: '2000' },
    { name: 'rounds', description: 'rounds per method (the median counts)', full: '3', short: '1' },
  ],

  async run(ctx) {
    const ROUTES = Number(ctx.options.routes);
    const ROUNDS = Number(ctx.options.rounds);
    const log = ctx.log;
    if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (network namespaces)');
    const ns = ScratchNetns.create('bench');
    let agent: Awaited<ReturnType<typeof startAgent>> | undefined;
    try {
      veth(ns, 'eth0', ns, 'eth1');
      ns.ip('-6', 'addr', 'add', 'fd00:1::1/64', 'dev', 'eth0');
      agent = await startAgent(ns, 'bench');
      const client: AgentClient = agent.client;
      const rtnl = new Rtnl({ netns: ns.name });
      const ifindex = rtnl.links().find((l) => l.name === 'eth0')!.index;

      const applyOps = (variant: number, table: number) => ({
        ops: Array.from({ length: ROUTES }, (_, i) => ({ route: { prefix: prefixOf(i), table, dev: 'eth0', encap: { segments: segmentsOf(i, variant) } } })),
      });
      const netlinkRoute = (i: number, variant: number, table: number): Route => ({
        family: C.AF_INET6, dst: prefixOf(i).split('/')[0], dstLen: 64, table, protocol: 84, scope: 0, type: C.RTN_UNICAST, oif: ifindex, priority: 1024,
        encap: { type: 'seg6', mode: 'encap', segments: segmentsOf(i, variant) },
      });
      // like the agent: what the kernel refused with a transient ENOMEM is resent (retryENOMEM)
      const netlinkInstall = (variant: number, table: number, flags: number) => timeIt(() => {
        const err = rtnl.transact(ROUTES, (w, i, seq) => encodeRoute(w, C.RTM_NEWROUTE, flags, seq, netlinkRoute(i, variant, table)), { retryENOMEM: true }).find((e) => e);
        if (err) throw err;
      });

      const rounds: Record<string, { install: number[]; replace: number[] }> = {
        'ip -batch': { install: [], replace: [] },
        'agent Apply (gRPC)': { install: [], replace: [] },
        'netlink layer (no gRPC)': { install: [], replace: [] },
      };
      let kernelShare = 0;
      let ipBatchEnomemAborts = 0;
      // warm-up, not counted: the first burst into a fresh namespace makes the kernel populate per-CPU pages
      log('warm-up (not counted)');
      rtnl.transact(ROUTES, (w, i, seq) => encodeRoute(w, C.RTM_NEWROUTE, C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_REPLACE, seq, netlinkRoute(i, 0, 203)));
      flushTable(ns, 203);
      for (let round = 0; round < ROUNDS; round++) {
        log(`round ${round + 1}/${ROUNDS}: ip -batch, agent Apply, netlink`);
        // ip -batch stops at the first error: a transient ENOMEM aborts the run, which is then repeated
        for (let attempt = 1; ; attempt++) {
          try {
            const install = ipBatch(ns, ROUTES, 'add', 201, 0);
            const replace = ipBatch(ns, ROUTES, 'replace', 201, 1);
            if (countRoutes(ns, 201) !== ROUTES) throw new Error('ip -batch did not install every route');
            rounds['ip -batch'].install.push(install);
            rounds['ip -batch'].replace.push(replace);
            break;
          } catch (e) {
            if (attempt >= 5 || !/Cannot allocate memory/.test(String(e))) throw e;
            ipBatchEnomemAborts++;
            log(`ip -batch aborted on ENOMEM (${String(e).split('\n')[1]}); repeating`);
          } finally {
            flushTable(ns, 201);
          }
        }
        // agent Apply: the request is ready before the clock starts, as ip -batch's file is
        let res: any;
        const [installOps, replaceOps] = [applyOps(0, 200), applyOps(1, 200)];
        rounds['agent Apply (gRPC)'].install.push(await timeItAsync(async () => (res = await client.call('Apply', installOps, 120_000))));
        kernelShare = Number(res.kernel_ns) / 1e9;
        rounds['agent Apply (gRPC)'].replace.push(await timeItAsync(() => client.call('Apply', replaceOps, 120_000)));
        if (countRoutes(ns, 200) !== ROUTES) throw new Error('the agent did not install every route');
        flushTable(ns, 200);
        // our netlink layer, in process
        rounds['netlink layer (no gRPC)'].install.push(netlinkInstall(0, 202, C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_EXCL));
        rounds['netlink layer (no gRPC)'].replace.push(netlinkInstall(1, 202, C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_REPLACE));
        flushTable(ns, 202);
      }
      const rates = Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, {
        install_routes_per_s: Math.round(ROUTES / median(v.install)),
        replace_routes_per_s: Math.round(ROUTES / median(v.replace)),
        install_seconds: v.install, replace_seconds: v.replace,
      }]));
      const base = rates['ip -batch'];

      rtnl.close();

      const ratio = (k: string, what: 'install_routes_per_s' | 'replace_routes_per_s') => +(rates[k][what] / base[what]).toFixed(2);
      const rows: Row[] = Object.entries(rounds).flatMap(([method, v]) => v.install.map((_, i) => ({ method, round: i + 1, install_s: v.install[i], replace_s: v.replace[i], routes: ROUTES })));
      ctx.out.csv('rounds.csv', rows);
      return {
        summary: {
          routes: ROUTES, rounds: ROUNDS, rates,
          ratio_vs_ip_batch: Object.fromEntries(Object.keys(rates).map((k) => [k, { install: ratio(k, 'install_routes_per_s'), replace: ratio(k, 'replace_routes_per_s') }])),
          agent_kernel_seconds_last_install: kernelShare,
          ip_batch_enomem_aborts: ipBatchEnomemAborts,
        },
        goals: [
          goal('netlink layer install rate vs ip -batch', ratio('netlink layer (no gRPC)', 'install_routes_per_s'), 'x', 'min', 1.5),
          goal('netlink layer replace rate vs ip -batch', ratio('netlink layer (no gRPC)', 'replace_routes_per_s'), 'x', 'min', 1.5),
          goal('agent Apply install rate vs ip -batch', ratio('agent Apply (gRPC)', 'install_routes_per_s'), 'x', 'min', 1.0),
          goal('agent Apply replace rate vs ip -batch', ratio('agent Apply (gRPC)', 'replace_routes_per_s'), 'x', 'min', 1.0),
        ],
        table: textTable([
          ['method', 'install/s', 'replace/s', 'x ip -batch (install)', 'x ip -batch (replace)'],
          ...Object.entries(rates).map(([k, v]) => [k, v.install_routes_per_s, v.replace_routes_per_s, ratio(k, 'install_routes_per_s'), ratio(k, 'replace_routes_per_s')]),
        ]),
      };
    } finally {
      await agent?.stop();
      ns.destroy();
    }
  },
};
