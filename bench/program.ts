// Route programming benchmark, side by side in one run:
//   - 20,000 seg6 encap routes installed (and then all replaced) through the
//     agent's Apply over gRPC, through `ip -batch`, and through our netlink
//     layer directly (no gRPC), alternating rounds;
//   - SetPath switch latency over gRPC (call -> kernel acknowledged on the
//     agent, and full round trip), with `ip -6 route replace` per switch as
//     the baseline.
// Results: a table on stdout and JSON in bench/results/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentClient } from '../agent/client.js';
import { C, encodeRoute, Rtnl, type Route } from '../netlink/index.js';
import { startAgent } from '../test/helpers/agent.js';
import { TestNetns, veth } from '../test/helpers/netns.js';
import { percentiles, median, type Percentiles } from './stats.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const ROUTES = Number(args.get('routes') ?? 20_000);
const ROUNDS = Number(args.get('rounds') ?? 3);
const SWITCHES = Number(args.get('switches') ?? 1000);
const SPAWN_SWITCHES = Number(args.get('spawn-switches') ?? 200);
const OUT_DIR = args.get('out') ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');

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

function ipBatch(ns: TestNetns, verb: 'add' | 'replace', table: number, variant: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'srv6-bench-'));
  const file = join(dir, 'batch');
  const lines: string[] = [];
  for (let i = 0; i < ROUTES; i++) lines.push(`route ${verb} ${prefixOf(i)} encap seg6 mode encap segs ${segmentsOf(i, variant).join(',')} dev eth0 table ${table}`);
  writeFileSync(file, lines.join('\n') + '\n');
  const secs = timeIt(() => {
    const r = spawnSync('ip', ['-6', '-n', ns.name, '-batch', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip -batch failed: ${r.stderr}`);
  });
  rmSync(dir, { recursive: true, force: true });
  return secs;
}

function flushTable(ns: TestNetns, table: number): void {
  ns.ip('-6', 'route', 'flush', 'table', String(table));
}

function countRoutes(ns: TestNetns, table: number): number {
  return ns.ipJson<unknown[]>('-6', 'route', 'show', 'table', String(table)).length;
}

async function main() {
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (network namespaces)');
  const ns = TestNetns.create('bench');
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
    // like the agent, resend what the kernel refused with a transient ENOMEM (per-CPU pages not yet refilled)
    const netlinkInstall = (variant: number, table: number, flags: number) => timeIt(() => {
      let todo = Array.from({ length: ROUTES }, (_, i) => i);
      for (let attempt = 0; todo.length; attempt++) {
        const errs = rtnl.transact(todo.length, (w, j, seq) => encodeRoute(w, C.RTM_NEWROUTE, flags, seq, netlinkRoute(todo[j], variant, table)));
        const bad = errs.find((e) => e && e.code !== 'ENOMEM');
        if (bad || attempt > 12) throw bad ?? errs.find((e) => e);
        todo = todo.filter((_, j) => errs[j]);
        if (todo.length) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2 << attempt);
      }
    });

    const rounds: Record<string, { install: number[]; replace: number[] }> = {
      'ip -batch': { install: [], replace: [] },
      'agent Apply (gRPC)': { install: [], replace: [] },
      'netlink layer (no gRPC)': { install: [], replace: [] },
    };
    let kernelShare = 0;
    let ipBatchEnomemAborts = 0;
    // warm-up, not counted: the first burst into a fresh namespace makes the kernel populate per-CPU pages
    process.stderr.write('warm-up...\n');
    rtnl.transact(ROUTES, (w, i, seq) => encodeRoute(w, C.RTM_NEWROUTE, C.NLM_F_REQUEST | C.NLM_F_CREATE | C.NLM_F_REPLACE, seq, netlinkRoute(i, 0, 203)));
    flushTable(ns, 203);
    for (let round = 0; round < ROUNDS; round++) {
      process.stderr.write(`round ${round + 1}/${ROUNDS}: ip -batch, agent Apply, netlink...\n`);
      // ip -batch stops at the first error: a transient ENOMEM aborts the run, which is then repeated
      for (let attempt = 1; ; attempt++) {
        try {
          const install = ipBatch(ns, 'add', 201, 0);
          const replace = ipBatch(ns, 'replace', 201, 1);
          if (countRoutes(ns, 201) !== ROUTES) throw new Error('ip -batch did not install every route');
          rounds['ip -batch'].install.push(install);
          rounds['ip -batch'].replace.push(replace);
          break;
        } catch (e) {
          if (attempt >= 5 || !/Cannot allocate memory/.test(String(e))) throw e;
          ipBatchEnomemAborts++;
          process.stderr.write(`  ip -batch aborted on ENOMEM (${String(e).split('\n')[1]}); repeating\n`);
        } finally {
          flushTable(ns, 201);
        }
      }
      // agent Apply
      let res: any;
      rounds['agent Apply (gRPC)'].install.push(await timeItAsync(async () => (res = await client.call('Apply', applyOps(0, 200), 120_000))));
      kernelShare = Number(res.kernel_ns) / 1e9;
      rounds['agent Apply (gRPC)'].replace.push(await timeItAsync(() => client.call('Apply', applyOps(1, 200), 120_000)));
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

    // SetPath latency: alternate one route between two paths
    process.stderr.write(`SetPath: ${SWITCHES} switches...\n`);
    const paths = [['fc00:2::1', 'fc00:4::1', 'fc00:6::d6'], ['fc00:3::1', 'fc00:5::1', 'fc00:6::d6']];
    await client.call('SetPath', { prefix: 'fd03:1::/64', table: 101, segments: paths[1], dev: 'eth0' });
    // warm-up, not counted: a running controller and agent are JIT-compiled; a cold process is not what we measure
    for (let i = 0; i < 300; i++) await client.call('SetPath', { prefix: 'fd03:1::/64', table: 101, segments: paths[i % 2], dev: 'eth0' });
    const rtt: number[] = [], toAck: number[] = [], kernel: number[] = [];
    for (let i = 0; i < SWITCHES; i++) {
      const t = process.hrtime.bigint();
      const r: any = await new Promise((resolve, reject) => client.raw.SetPath({ prefix: 'fd03:1::/64', table: 101, segments: paths[i % 2], dev: 'eth0' }, (e: Error, x: unknown) => (e ? reject(e) : resolve(x))));
      rtt.push(Number(process.hrtime.bigint() - t) / 1e6);
      toAck.push(Number(BigInt(r.acked_mono_ns) - t) / 1e6);
      kernel.push(Number(r.kernel_ns) / 1e6);
      if (r.results[0].outcome !== 'replaced') throw new Error(`switch ${i} was ${r.results[0].outcome}`);
    }
    process.stderr.write(`baseline: ${SPAWN_SWITCHES} x spawning ip -6 route replace...\n`);
    const spawnMs: number[] = [];
    for (let i = 0; i < SPAWN_SWITCHES; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync('ip', ['-n', ns.name, '-6', 'route', 'replace', 'fd03:2::/64', 'encap', 'seg6', 'mode', 'encap', 'segs', paths[i % 2].join(','), 'dev', 'eth0', 'table', '102']);
      if (r.status !== 0) throw new Error(String(r.stderr));
      spawnMs.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const latency: Record<string, Percentiles> = {
      'SetPath call -> kernel ack (ms)': percentiles(toAck),
      'SetPath round trip (ms)': percentiles(rtt),
      'SetPath kernel time on the agent (ms)': percentiles(kernel),
      'spawn ip -6 route replace (ms)': percentiles(spawnMs),
    };
    rtnl.close();

    const result = {
      benchmark: 'program',
      date: new Date().toISOString(),
      machine: { kernel: release(), cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
      routes: ROUTES, rounds: ROUNDS, switches: SWITCHES,
      rates,
      ratio_agent_vs_ip_batch: {
        install: +(rates['agent Apply (gRPC)'].install_routes_per_s / base.install_routes_per_s).toFixed(2),
        replace: +(rates['agent Apply (gRPC)'].replace_routes_per_s / base.replace_routes_per_s).toFixed(2),
      },
      ratio_netlink_vs_ip_batch: {
        install: +(rates['netlink layer (no gRPC)'].install_routes_per_s / base.install_routes_per_s).toFixed(2),
        replace: +(rates['netlink layer (no gRPC)'].replace_routes_per_s / base.replace_routes_per_s).toFixed(2),
      },
      agent_kernel_seconds_last_install: kernelShare,
      ip_batch_enomem_aborts: ipBatchEnomemAborts,
      latency,
      ratio_spawn_vs_setpath_p50: +(latency['spawn ip -6 route replace (ms)'].p50 / latency['SetPath call -> kernel ack (ms)'].p50).toFixed(1),
      goals: { 'agent install >= 1.5x ip -batch': rates['agent Apply (gRPC)'].install_routes_per_s >= 1.5 * base.install_routes_per_s, 'SetPath p50 <= 0.5 ms (call -> kernel ack)': latency['SetPath call -> kernel ack (ms)'].p50 <= 0.5 },
    };
    mkdirSync(OUT_DIR, { recursive: true });
    const file = join(OUT_DIR, `program-${result.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');

    console.log(`\nroute programming, ${ROUTES} seg6 encap routes, median of ${ROUNDS} rounds`);
    console.log(`${'method'.padEnd(26)} ${'install/s'.padStart(10)} ${'replace/s'.padStart(10)} ${'x ip -batch'.padStart(12)}`);
    for (const [k, v] of Object.entries(rates)) {
      console.log(`${k.padEnd(26)} ${String(v.install_routes_per_s).padStart(10)} ${String(v.replace_routes_per_s).padStart(10)} ${(v.install_routes_per_s / base.install_routes_per_s).toFixed(2).padStart(7)} / ${(v.replace_routes_per_s / base.replace_routes_per_s).toFixed(2)}`);
    }
    console.log(`\nswitch latency (${SWITCHES} SetPath, ${SPAWN_SWITCHES} spawned ip)`);
    console.log(`${'measure'.padEnd(40)} ${'p50'.padStart(8)} ${'p90'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`);
    for (const [k, v] of Object.entries(latency)) {
      console.log(`${k.padEnd(40)} ${v.p50.toFixed(3).padStart(8)} ${v.p90.toFixed(3).padStart(8)} ${v.p99.toFixed(3).padStart(8)} ${v.max.toFixed(3).padStart(8)}`);
    }
    console.log(`\ngoals: ${Object.entries(result.goals).map(([k, v]) => `${k}: ${v ? 'met' : 'NOT met'}`).join('; ')}`);
    console.log(`results: ${file}`);
  } finally {
    await agent?.stop();
    ns.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
