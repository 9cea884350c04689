// `srv6-bench switch --target compose`: the switch series on the Docker
// deployment instead of the lab: a deployment of its own from the checked-in
// compose file (project srv6b<pid>, an image tag of its own, two dummy
// veth pairs as the UPF's and the server's NICs, the host's setup left alone),
// the controller's API at its management address (else on the host's loopback
// as srv6ctl reaches it); warm-up, one direction back to back, the isolated
// series (each switch with the time since the last health check's docker
// exec), and the ingress agent driven alone over the management network when
// the host reaches it. All of
// it removed afterwards, also on failure or Ctrl-C (the base image stays, as
// for the docker exec baseline).
import { spawnSync } from 'node:child_process';
import { COMPOSE_FILE, deployDown, deployUp, type DeployOptions } from '../compose/deploy.js';
import { docker, members } from '../compose/docker.js';
import { ControllerClient } from '../controller/client.js';
import type { SwitchEvent } from '../controller/ctl/types.js';
import { classRoute } from '../topology/desired.js';
import { candidatePaths, catchAllClass, endpoints } from '../topology/derive.js';
import { loadTopology } from '../topology/load.js';
import { CONTROLLER_PORT, controllerAddress } from '../topology/compose.js';
import { textTable, type BenchContext, type BenchReport } from './benchmark.js';
import { agentAloneSeries, agentRequests, monitoredIsolatedSeries, medians, splitTable, stat, switchSplit } from './isolated.js';
import { cdfChart } from './plot/charts.js';
import { goal, type Row } from './results.js';
import type { Percentiles } from './stats.js';

const AGENT_ALONE_TABLE = 204;
/** a switch this soon after a health check's docker exec is counted as near one */
const NEAR_CHECK_MS = 500;

/** When the project's containers started a health check (docker events exec_start, ms since the epoch), from..to. */
async function healthCheckExecs(project: string, from: number, to: number): Promise<number[]> {
  const stream = await docker().getEvents({
    since: Math.floor(from / 1000), until: Math.ceil(to / 1000) + 1,
    filters: { type: ['container'], event: ['exec_start'], label: [`com.docker.compose.project=${project}`] },
  });
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) text += chunk.toString('utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { timeNano: number; Action: string })
    .filter((e) => e.Action.includes('/dev/tcp/')).map((e) => e.timeNano / 1e6).filter((at) => at >= from - 1000 && at <= to).sort((a, b) => a - b);
}

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

export async function composeSwitch(ctx: BenchContext): Promise<BenchReport> {
  if (process.getuid?.() !== 0) throw new Error('--target compose brings up a Docker deployment: run it as root');
  if (ctx.topology !== 'reference') throw new Error('--target compose: the checked-in compose file is the reference network\'s; --topology cannot change it');
  try {
    await docker().ping();
  } catch (e) {
    throw new Error(`--target compose: no Docker engine answers (${(e as Error).message}): start dockerd`);
  }
  const tag = process.pid % 10000;
  const nics = { upf: `bu${tag}`, server: `bs${tag}` };
  const image = `bench${tag}`;
  const t = loadTopology('reference', { upfNic: nics.upf, serverNic: nics.server });
  const o: DeployOptions = {
    project: `srv6b${tag}`, composeFile: COMPOSE_FILE, hostsetup: false, offlineBase: true, tls: false,
    controllerPort: 23000 + (process.pid % 5000), metricsPort: 33000 + (process.pid % 5000), log: (l) => ctx.log(`deploy: ${l}`),
  };
  const previousTag = process.env.SRV6_TAG;
  process.env.SRV6_TAG = image; // the compose file's image tag: ours, removed afterwards
  let controller: ControllerClient | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () => (cleaned ??= (async () => {
    controller?.close();
    await deployDown(t, o).catch((e) => ctx.log(`compose down: ${(e as Error).message}`));
    await docker().getImage(`srv6-orchestrator:${image}`).remove({ force: true }).catch(() => undefined);
    for (const nic of Object.values(nics)) spawnSync('ip', ['link', 'del', nic]);
    if (previousTag === undefined) delete process.env.SRV6_TAG;
    else process.env.SRV6_TAG = previousTag;
  })());
  const interrupted = () => { void cleanup().finally(() => process.exit(130)); };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    for (const nic of Object.values(nics)) {
      ip(['link', 'add', nic, 'type', 'veth', 'peer', 'name', `${nic}p`]);
      ip(['link', 'set', nic, 'up']);
    }
    ctx.log(`compose deployment ${o.project} (image srv6-orchestrator:${image}, NICs ${nics.upf} / ${nics.server}: veth pairs with nothing behind them)`);
    await deployUp(t, o);
    // the controller at its management address (the host is on that bridge), else as srv6ctl reaches it:
    // the published port, through docker-proxy, a process of Docker's that wakes on every request and
    // answer next to the switch (the API's transport is not part of what is timed; the proxy's work is)
    let via = `[${controllerAddress(t)}]:${CONTROLLER_PORT}`;
    controller = new ControllerClient(via);
    try {
      await controller.waitForReady(5_000);
    } catch (e) {
      ctx.log(`${via} not reachable from the host (${(e as Error).message.split('\n')[0]}): the published port instead`);
      controller.close();
      via = `127.0.0.1:${o.controllerPort}`;
      controller = new ControllerClient(via);
      await controller.waitForReady(20_000);
    }
    await controller.waitStreaming(1000, 30_000);
    return await measure(ctx, controller, t, o.project, via);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await cleanup();
  }
}

async function measure(ctx: BenchContext, c: ControllerClient, t: ReturnType<typeof loadTopology>, project: string, via: string): Promise<BenchReport> {
  const n = Number(ctx.options.count);
  const warmup = Number(ctx.options.warmup);
  const nIsolated = Number(ctx.options['isolated-count']);
  const gapMs = Number(ctx.options['isolated-gap-ms']);
  const cls = catchAllClass(t)!;
  const paths = candidatePaths(t, 'forward', 2);
  const { ingress } = endpoints(t, 'forward');
  const pin = async (i: number) => {
    const e = await c.call<SwitchEvent>('SetPath', { class: cls.name, direction: 'forward', path: paths[i % 2] });
    if (!e.ok || !e.timing) throw new Error(`switch failed: ${e.error}`);
    return e;
  };
  ctx.log(`warm-up: ${warmup} switches of ${cls.name} forward on ${ingress} (not counted)`);
  for (let i = 0; i < warmup; i++) await pin(i);
  ctx.log(`one direction: ${n} switches back to back`);
  const one: Row[] = [];
  for (let i = 0; i < n; i++) one.push({ series: 'compose, one direction', i, ...switchSplit(await pin(i + 1)) });
  // r1's container's network namespace under a name while it is read (ip netns attach): ip monitor times
  // each isolated switch from outside, and the route it holds at the end is read back
  const list = await members(docker(), project);
  const r1 = list.find((m) => m.router === ingress)!;
  const pid = String((await docker().getContainer(r1.id).inspect()).State.Pid);
  const ns = `${project}-${ingress}`;
  ip(['netns', 'attach', ns, pid]);
  let isolated: Row[];
  let seen: Row[];
  const startedAt: number[] = [];
  let kernel;
  const from = Date.now();
  try {
    ctx.log(`isolated: ${nIsolated} switches, one every ${gapMs} ms, nothing in between (${Math.round(nIsolated * gapMs / 1000)} s)`);
    ({ isolated, seen } = await monitoredIsolatedSeries('compose, isolated', nIsolated, gapMs, (i) => {
      startedAt.push(Date.now());
      return pin(n + 1 + i);
    }, ns, agentRequests(t, cls, paths, cls.table), n + 1));
    kernel = JSON.parse(spawnSync('ip', ['-j', '-n', ns, '-6', 'route', 'show', 'table', String(cls.table)], { encoding: 'utf8' }).stdout || '[]')[0];
  } finally {
    spawnSync('ip', ['netns', 'delete', ns]);
  }
  // each isolated switch with the time since the last health check's docker exec in any of the containers
  const checks = await healthCheckExecs(project, from, Date.now());
  isolated.forEach((r, i) => {
    const last = checks.filter((at) => at <= startedAt[i]).at(-1);
    r.since_health_check_ms = last === undefined ? null : +(startedAt[i] - last).toFixed(1);
  });
  const nearCheck = isolated.filter((r) => typeof r.since_health_check_ms === 'number' && r.since_health_check_ms < NEAR_CHECK_MS);
  const last = isolated.length ? paths[(n + nIsolated) % 2] : paths[n % 2];
  const want = classRoute(t, cls, 'forward', last).encap!.segments;
  if (JSON.stringify(kernel?.segs) !== JSON.stringify(want)) throw new Error(`${ingress} table ${cls.table} holds ${JSON.stringify(kernel?.segs)}, the last pin asked for ${JSON.stringify(want)}`);

  // the agent alone, over TCP on the management network, when the host reaches it (Docker gives the host an address on it)
  let alone: Row[] = [];
  let aloneNote = 'measured';
  try {
    alone = await agentAloneSeries(r1.management, agentRequests(t, cls, paths, AGENT_ALONE_TABLE), 50, nIsolated, gapMs);
  } catch (e) {
    aloneNote = `skipped: ${r1.management} not reachable from the host (${(e as Error).message.split('\n')[0]})`;
    ctx.log(`isolated, agent alone: ${aloneNote}`);
  }

  const iso = stat(isolated);
  const series: Record<string, Percentiles> = {
    'compose, one direction': stat(one),
    [`compose, isolated (every ${gapMs} ms)`]: iso,
    ...(seen.length ? { 'compose, isolated, decision -> seen by ip monitor': stat(seen, 'decision_to_seen_ms') } : {}),
    ...(alone.length ? { 'compose, agent alone, isolated (write -> ack)': stat(alone, 'write_to_ack_ms') } : {}),
  };
  const others = isolated.filter((r) => !nearCheck.includes(r));
  const health = {
    interval: process.env.SRV6_HEALTH_INTERVAL || '60s', execs_during_isolated: checks.length,
    [`isolated_within_${NEAR_CHECK_MS}_ms_after_one`]: nearCheck.length ? stat(nearCheck) : { n: 0 },
    isolated_others: others.length ? stat(others) : { n: 0 },
  };
  const split = { one_direction: medians(one), isolated: medians(isolated), ...(alone.length ? { agent_alone: medians(alone) } : {}) };
  ctx.out.csv('latency.csv', one);
  ctx.out.csv('isolated.csv', [...isolated, ...alone]);
  ctx.out.csv('isolated-seen.csv', seen);
  ctx.out.plot('latency-cdf', cdfChart({
    title: `Switch latency on the compose deployment, decision -> kernel ack (${new Date().toISOString().slice(0, 16)}Z)`, xLabel: 'milliseconds', logX: true,
    series: [
      { name: 'compose, one direction', values: one.map((r) => r.decision_to_ack_ms as number) },
      { name: `compose, isolated (every ${gapMs} ms)`, values: isolated.map((r) => r.decision_to_ack_ms as number) },
    ],
  }));
  const rows: (string | number)[][] = [['series (ms)', 'n', 'p50', 'p90', 'p99', 'max']];
  for (const [k, v] of Object.entries(series)) rows.push([k, v.n, v.p50, v.p90, v.p99, v.max]);
  return {
    summary: {
      target: 'compose', class: cls.name, paths: { forward: paths }, switches: n, warmup, isolated_switches: nIsolated, isolated_gap_ms: gapMs,
      latency_ms: series, split_medians_ms: split, agent_alone: aloneNote, health_checks: health, isolated_seen_by_ip_monitor: seen.length,
      transport: 'controller -> agents: unix sockets on the volume both mount (the agents also listen on the management network, where the agent-alone series reaches r1)', ratio_isolated_vs_one_direction_p50: +(iso.p50 / series['compose, one direction'].p50).toFixed(2),
      controller_api: via,
      measured: 'decision (controller, on receiving SetPath from the host) -> kernel acknowledged the route replace on the ingress agent (containers on one host: one monotonic clock)',
    },
    goals: [
      goal(`compose: isolated switch p50 (every ${gapMs} ms)`, iso.p50, 'ms', 'max', 0.5),
      goal(`compose: isolated switch p99 (every ${gapMs} ms)`, iso.p99, 'ms', 'max', 2),
      goal('compose: isolated switches seen by ip monitor', seen.length, `of ${nIsolated}`, 'min', nIsolated),
    ],
    table: `${textTable(rows)}\n\n${splitTable(split)}${alone.length ? '' : `\nagent alone: ${aloneNote}`}`
      + `\nhealth checks (every ${health.interval}): ${checks.length} docker execs during the isolated series; ${nearCheck.length} switches within ${NEAR_CHECK_MS} ms after one`
      + (nearCheck.length ? ` (p50 ${stat(nearCheck).p50.toFixed(3)}, max ${stat(nearCheck).max.toFixed(3)} ms)` : ''),
  };
}
