// Controller scale: the real controller against many simulated agents (a
// grid of N routers, each streaming telemetry at the interval): does it keep
// up on one core, with decisions running? A share of the link directions,
// and every link of the classes' shortest paths, run over the threshold, so
// every round takes the classes off and places them again (CSPF over the
// whole grid); the hysteresis is set so high that no round is applied (the
// simulated load would not follow a switch), so the work is the same every
// round. The controller's own per-evaluation time comes from its /metrics. Measured: the controller's CPU (from /proc, user + system),
// how old each router's last sample is when asked (ListRouters), its memory.
// The agents are simulated in this process (bench/sim/agents.ts): what is
// measured is only the controller.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControllerClient } from '../controller/client.js';
import { loadTopology } from '../topology/load.js';
import { candidatePaths, pathLinks } from '../topology/derive.js';
import { DIRECTIONS, type Topology } from '../topology/model.js';
import { encapOverhead, EXTERNAL_MTU } from '../topology/validate.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { textTable, type Benchmark } from './benchmark.js';
import { goal } from './results.js';
import { startSimAgents } from './sim/agents.js';
import { percentiles } from './stats.js';

const CONTROLLER_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'controller', 'main.js');
const CLK_TCK = 100;

/** A width x height grid of routers r1..rN (row by row), links to the right and down neighbours. */
export function gridTopology(n: number): string {
  const width = Math.ceil(Math.sqrt(n));
  const routers = Array.from({ length: n }, (_, i) => `  - { name: r${i + 1}, locator: "fc00:${i + 1}::/64" }`);
  const next = new Map<number, number>();
  const eth = (r: number) => {
    next.set(r, (next.get(r) ?? 0) + 1);
    return `eth${next.get(r)}`;
  };
  const mtu = Math.max(9000, EXTERNAL_MTU + encapOverhead(n));
  const links: string[] = [];
  for (let i = 0; i < n; i++) {
    for (const j of [(i + 1) % width ? i + 1 : -1, i + width]) {
      if (j < 0 || j >= n) continue;
      const k = (links.length + 1).toString(16);
      links.push(`  - a: { router: r${i + 1}, interface: ${eth(i)}, address: "fd02:${k}::1/64" }\n    b: { router: r${j + 1}, interface: ${eth(j)}, address: "fd02:${k}::2/64" }\n    capacity_mbps: 100\n    mtu: ${mtu}`);
    }
  }
  const cls = (name: string, table: number, fn: string, classifier: string) => `  - { name: ${name}, table: ${table}, sid_function: "${fn}", classifier: ${classifier}, directions: [forward, reverse] }`;
  return [
    `name: grid${n}`,
    'management: { prefix: "fd00:ffff::/64", port: 50051 }',
    'routers:', ...routers,
    'links:', ...links,
    'externals:',
    '  upf:',
    '    nic: enp2s0f1',
    '    host_child: { name: macvlan-upf, address: "fd01:1::100/64" }',
    '    router: { name: r1, interface: eth0, address: "fd01:1::2/64", mac: "2e:7f:2d:e9:34:b7" }',
    '    node: { address: "fd01:1::200/64" }',
    '  server:',
    '    nic: enp2s0f0',
    '    host_child: { name: macvlan-server, address: "fd03:1::100/64" }',
    `    router: { name: r${n}, interface: eth0, address: "fd03:1::1/64", mac: "2e:7f:2d:e9:34:b8" }`,
    '    node: { address: "fd03:1::200/64" }',
    'classes:',
    cls('high', 101, 'd1', '{ flowlabel: 0xfffc4 }'),
    cls('medium', 102, 'd2', '{ flowlabel: 0xfffc6 }'),
    cls('low', 103, 'd3', '{}'),
    '',
  ].join('\n');
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

export const scaleBench: Benchmark = {
  name: 'scale',
  topology: 'none',
  description: 'controller scale: the real controller against N simulated agents streaming telemetry (a grid of N routers): its CPU, how fresh its telemetry stays, its memory',
  options: [
    { name: 'routers', description: 'simulated agents (routers in a grid)', full: '500', short: '20' },
    { name: 'interval', description: 'telemetry interval, ms', full: '100', short: '100' },
    { name: 'seconds', description: 'how long to measure once every agent is connected', full: '30', short: '3' },
    { name: 'hot', description: 'share of the other link directions over the threshold (the classes\' paths always are)', full: '0.1', short: '0.1' },
  ],

  async run(ctx) {
    const n = Number(ctx.options.routers);
    const interval = Number(ctx.options.interval);
    const seconds = Number(ctx.options.seconds);
    const hotShare = Number(ctx.options.hot);
    if (!(hotShare <= 1)) throw new Error(`--hot: ${ctx.options.hot}: expected a share in (0, 1]`);
    if (!Number.isInteger(n) || n < 2 || n > 4000) throw new Error(`--routers: ${n}: expected 2..4000`);
    const dir = mkdtempSync(join(tmpdir(), 'srv6-scale-'));
    const file = join(dir, `grid${n}.yaml`);
    writeFileSync(file, gridTopology(n));
    const t = loadTopology(file);
    // a steady 5-45 % on most link directions; 90 % on the classes' shortest paths and on a share of the others
    const hot = hotDirections(t, hotShare);
    const sim = await startSimAgents(t, dir, (router, ifname) => (hot.has(`${router}/${ifname}`) ? 0.9 : 0.05 + (((router.length * 7 + ifname.length * 13 + Number(router.slice(1))) % 9) / 20)));
    ctx.log(`${n} simulated agents on unix sockets in ${dir}; controller at ${interval} ms; ${hot.size} of ${2 * t.links.length} link directions at 90 %`);
    const metricsPort = 20000 + (process.pid % 20000);
    const proc = spawn(process.execPath, [CONTROLLER_MAIN, '--topology', file, '--agent-socket-dir', dir, '--listen', `unix:${join(dir, 'controller.sock')}`,
      '--metrics', `127.0.0.1:${metricsPort}`, '--interval', String(interval), '--log-level', 'warn', '--hold-down', '0', '--hysteresis', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const c = new ControllerClient(`unix:${join(dir, 'controller.sock')}`);
    try {
      await c.waitForReady(30_000);
      const connectStart = Date.now();
      const ages = async () => (await c.call<{ routers: { state: string; telemetry_age_ms: string }[] }>('ListRouters', {}, 120_000)).routers;
      for (;;) {
        const rs = await ages();
        const fresh = rs.filter((r) => r.state === 'connected' && Number(r.telemetry_age_ms) >= 0).length;
        if (fresh === n) break;
        if (Date.now() - connectStart > 180_000) throw new Error(`after 180 s only ${fresh} of ${n} agents connected with telemetry; controller: ${stderr.trim().split('\n').pop() ?? ''}`);
        if (proc.exitCode !== null) throw new Error(`the controller exited ${proc.exitCode}: ${stderr.trim()}`);
        await sleep(500);
      }
      const connectS = (Date.now() - connectStart) / 1000;
      ctx.log(`all ${n} connected and streaming after ${connectS.toFixed(1)} s; measuring ${seconds} s`);
      await sleep(Math.max(1000, 5 * interval)); // past the first samples
      const rounds0 = (await controllerMetrics(metricsPort)).rounds;
      const cpu0 = cpuSeconds(proc.pid!);
      const own0 = process.cpuUsage();
      const samples0 = sim.samples();
      const t0 = Date.now();
      const ageMs: number[] = [];
      while (Date.now() - t0 < seconds * 1000) {
        await sleep(500);
        for (const r of await ages()) ageMs.push(Number(r.telemetry_age_ms));
      }
      const wall = (Date.now() - t0) / 1000;
      const cores = (cpuSeconds(proc.pid!) - cpu0) / wall;
      const own = process.cpuUsage(own0);
      const simCores = (own.user + own.system) / 1e6 / wall;
      const rate = (sim.samples() - samples0) / wall;
      const age = percentiles(ageMs);
      const rss = rssMb(proc.pid!);
      const m = await controllerMetrics(metricsPort);
      const roundsPerS = (m.rounds - rounds0) / wall;
      ctx.out.csv('ages.csv', ageMs.map((a, i) => ({ i, telemetry_age_ms: a })));
      return {
        summary: {
          routers: n, links: t.links.length, interval_ms: interval, seconds: wall, connect_seconds: connectS,
          samples_per_s: rate, controller_cores: cores, controller_rss_mb: rss, simulator_cores: simCores, telemetry_age_ms: age,
          hot_link_directions: hot.size, placement_rounds_per_s: roundsPerS, decision_ms: { p50: m.evaluationP50Ms, p99: m.evaluationP99Ms },
          measured: 'controller CPU: utime + stime from /proc over the window; telemetry age: ListRouters every 0.5 s, every router; decision time: the controller\'s srv6_policy_evaluation_seconds (every flow decided once, the placement round included), its last 1000 evaluations; rounds: srv6_placement_rounds_total',
        },
        goals: [
          goal(`controller CPU at ${n} agents x ${1000 / interval} Hz, decisions running`, cores, 'cores', 'max', 1),
          goal('telemetry age (p99 over every router)', age.p99 / interval, 'intervals', 'max', 3),
          goal('placement rounds per telemetry interval (decisions run every round)', roundsPerS * interval / 1000, 'rounds', 'min', 0.8),
        ],
        table: textTable([
          ['agents', 'samples/s', 'controller cores', 'RSS MB', 'age p50 ms', 'age p99 ms', 'age max ms', 'rounds/s', 'decision p50 ms', 'decision p99 ms', 'simulator cores'],
          [n, rate, cores, rss, age.p50, age.p99, age.max, roundsPerS, m.evaluationP50Ms, m.evaluationP99Ms, simCores],
        ]),
      };
    } finally {
      c.close();
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(5000)]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The classes' shortest paths in both directions, and `share` of the other link directions (a fixed pattern), as "router/interface" of the sending end. */
function hotDirections(t: Topology, share: number): Set<string> {
  const hot = new Set<string>();
  for (const dir of DIRECTIONS) {
    const [path] = candidatePaths(t, dir, 1);
    for (const link of pathLinks(t, path)) {
      const i = path.indexOf(link.a.router);
      const forward = path[i + 1] === link.b.router;
      const from = forward ? link.a : link.b;
      hot.add(`${from.router}/${from.interface}`);
    }
  }
  t.links.forEach((l, i) => {
    for (const [k, end] of [[0, l.a], [1, l.b]] as const) if (((i * 2 + k) * 0.618034) % 1 < share) hot.add(`${end.router}/${end.interface}`);
  });
  return hot;
}

/** The controller's placement round count and evaluation time quantiles, from its /metrics. */
async function controllerMetrics(port: number): Promise<{ rounds: number; evaluationP50Ms: number; evaluationP99Ms: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  return {
    rounds: value(/^srv6_placement_rounds_total (\S+)$/m),
    evaluationP50Ms: value(/^srv6_policy_evaluation_seconds\{quantile="0.5"\} (\S+)$/m) * 1000,
    evaluationP99Ms: value(/^srv6_policy_evaluation_seconds\{quantile="0.99"\} (\S+)$/m) * 1000,
  };
}
