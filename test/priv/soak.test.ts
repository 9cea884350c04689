// Soak: a switch every 100 ms under traffic, for SOAK_SECONDS (20 in CI; `SOAK_SECONDS=600`
// for the 10-minute run). Memory within the bars and without a leak (growth per hour fitted
// over the run after a warm-up, within bounds measured on a leak-free build), no lost switch
// event, no leaked file descriptor, no lost packet.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { ControllerClient } from '../../controller/client.js';
import { receiveTraffic, sendTraffic } from '../../hostsetup/lab/traffic.js';
import { requireSrv6Routes } from '../helpers/netns.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECONDS = Number(process.env.SOAK_SECONDS ?? 20);
const MB = 1024 * 1024;
const status = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const rssMb = (pid: number) => status(pid, 'VmRSS');
const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

/** DESIGN's bars at the reference network (VmRSS, the largest sample of the run). */
const BAR_MB = { agent: 80, controller: 150 };
/**
 * Switches (100 ms apart) before the first sample. Both processes grow in
 * the first seconds of switching (the agent by a one-off ~4 MB step 4-6 s in,
 * measured), which is not a leak; sampling starts after it.
 */
const WARMUP_PINS = 80;
/**
 * After the samples, the switching goes on this long between two heap
 * snapshots of the controller. They come last: one leaves the controller's
 * RSS ~45 MB larger (measured: 178 MB, against the bar of 150).
 */
const LIVE_HEAP_MS = 10_000;
/** A memory sample every SAMPLE_MS after the warm-up (~50 over the default run's 12 s). */
const SAMPLE_MS = 250;
/**
 * Bounds on growth per hour, extrapolated from the run after the warm-up
 * (SOAK_SECONDS=20: ~12 s of samples). Measured on this machine (2 cores) on builds
 * without a known leak:
 *  - agent and controller live heap: what a full collection leaves, read
 *    from a heap snapshot (which collects first) at the start and at the end
 *    of LIVE_HEAP_MS of switching after the samples. Agent -10 to +14 MB/h
 *    over 10 runs; controller +20 to +41 over 11 (the kept switch events and
 *    the web view's history filling up, and JIT code). Bound 120 MB/h for
 *    both (0.33 MB in 10 s: ~3 KB kept per switch at 10 switches/s would fail
 *    it). The heap as a diagnostic report shows it between collections cannot
 *    tell a leak from garbage: no major GC runs in 12 s, and V8 promotes
 *    ~350 KB out of the young generation at every scavenge (90 % of the
 *    survivors of the one before: telemetry figures and histories live for
 *    seconds), so that "old generation" grew at 700-1050 MB/h with nothing kept.
 *  - agent RSS: -318 to +768 MB/h over 14 runs with probes, the live heap flat
 *    in each (pages of the node binary and of malloc come and go). Bound
 *    3000 MB/h (10 MB in 12 s), loose on purpose like the controller's below.
 *    (An agent that promotes what it should not fails the bar, not this:
 *    probes once filled its old generation at ~450 MB/h, 92 MB before the
 *    first major GC at ~100 s.)
 *  - controller RSS: -784 to +923 MB/h over 16 runs; but with sampling from
 *    2 s into switching, 1 run in 5 fitted +4316 MB/h: V8 grew the young
 *    generation, RSS +16 MB in one step, ~20 s into switching (a 240 s run
 *    showed it too). A 16 MB step in the middle of 12 s fits 7200 MB/h, so
 *    the bound is 9000 MB/h, loose on purpose: in 12 s RSS cannot tell that
 *    step from a leak; the live heap can.
 * Longer runs (SOAK_SECONDS=600) are held to the same bounds; one
 * 240 s run fitted -346 MB/h (controller RSS), -276 MB/h (agent RSS); with
 * probes, a 120 s run: agent max 78.4 MB, +108 MB/h; controller live heap
 * -143 MB/h.
 */
const GROWTH_BOUND_MB_PER_HOUR = { agentRss: 3000, agentLiveHeap: 120, controllerLiveHeap: 120, controllerRss: 9000 };

/**
 * The live heap (MB) of another Node process, started with
 * --heapsnapshot-signal=SIGUSR2 and --diagnostic-dir=`dir`: the snapshot it
 * writes on the signal, taken after a full collection, summed; undefined when
 * none comes within 20 s. The process stops for the snapshot (~0.3 s at 20 MB).
 */
async function liveHeapMb(pid: number, dir: string): Promise<number | undefined> {
  const mine = () => readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot') && f.includes(`.${pid}.`));
  for (const f of mine()) rmSync(join(dir, f), { force: true });
  process.kill(pid, 'SIGUSR2');
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(50)) {
    for (const f of mine()) {
      let snapshot: { snapshot: { meta: { node_fields: string[] } }; nodes: number[] };
      try {
        snapshot = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      } catch {
        continue; // still being written
      }
      rmSync(join(dir, f), { force: true });
      const fields = snapshot.snapshot.meta.node_fields;
      let bytes = 0;
      for (let i = fields.indexOf('self_size'); i < snapshot.nodes.length; i += fields.length) bytes += snapshot.nodes[i];
      return bytes / MB;
    }
  }
  return undefined;
}

/** Least-squares slope of y over t (t in ms), in units of y per hour. */
function slopePerHour(t: number[], y: number[]): number {
  const n = t.length;
  const mt = t.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (t[i] - mt) * (y[i] - my);
    den += (t[i] - mt) ** 2;
  }
  return den ? (num / den) * 3_600_000 : 0;
}

interface Fit { first: number; last: number; max: number; perHour: number }

/** The fit of one quantity over the samples that have it. */
function fit(samples: { t: number }[], pick: (i: number) => number | undefined): Fit {
  const t: number[] = [];
  const y: number[] = [];
  samples.forEach((s, i) => {
    const v = pick(i);
    if (v !== undefined) { t.push(s.t); y.push(v); }
  });
  return { first: y[0], last: y[y.length - 1], max: Math.max(...y), perHour: slopePerHour(t, y) };
}

const show = (f: Fit, what: string) => `${what} ${f.first.toFixed(1)} -> ${f.last.toFixed(1)} MB (max ${f.max.toFixed(1)}), fit ${f.perHour >= 0 ? '+' : ''}${f.perHour.toFixed(0)} MB/h`;

describe(`soak: a switch every 100 ms under traffic for ${SECONDS} s (privileged)`, function () {
  this.timeout((SECONDS + 120) * 1000);
  const lab = `s${process.pid % 100000}`;
  let dir: string;
  let snapshots: string;
  let ctl: ReturnType<typeof spawn> | undefined;

  before(function () {
    requireSrv6Routes(this);
    dir = mkdtempSync(join(tmpdir(), 'srv6t-soak-'));
    snapshots = join(dir, 'snapshots');
    mkdirSync(snapshots);
    // the agents (which inherit the environment) write a heap snapshot on SIGUSR2, like the controller below
    const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshots}`.trim() };
    const up = spawnSync(process.execPath, [join(DIST, 'hostsetup', 'lab', 'main.js'), 'up', 'reference', '--name', lab, '--no-controller'], { encoding: 'utf8', env });
    if (up.status !== 0) throw new Error(up.stderr);
  });

  after(() => {
    ctl?.kill('SIGKILL');
    spawnSync(process.execPath, [join(DIST, 'hostsetup', 'lab', 'main.js'), 'down', '--name', lab]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps memory, file descriptors, switch events and packets in order', async () => {
    const sock = join(dir, 'ctl.sock');
    // the controller writes a heap snapshot on SIGUSR2
    ctl = spawn(process.execPath, ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshots}`, join(DIST, 'controller', 'main.js'), '--agent-socket-dir', `/run/srv6-lab/${lab}`, '--listen', `unix:${sock}`,
      '--metrics', 'off', '--mode', 'static', '--log-level', 'warn'], { stdio: 'ignore' });
    const ctlPid = ctl.pid!;
    const client = new ControllerClient(`unix:${sock}`);
    await client.waitForReady(15_000);
    await client.waitStreaming(5000, 15_000);
    const agentPid = JSON.parse(readFileSync(`/run/srv6-lab/${lab}/lab.json`, 'utf8')).agents.r1.pid as number;
    const watch = await client.collectSwitches();
    const events = watch.events;

    const paths = [['r1', 'r3', 'r5', 'r6'], ['r1', 'r2', 'r4', 'r6'], ['r1', 'r2', 'r5', 'r6']];
    const pps = 2000;
    const count = SECONDS * pps;
    const rx = receiveTraffic({ netns: `${lab}-server`, port: 7100, idleMs: 2000, durationMs: (SECONDS + 30) * 1000, expect: count });
    const tx = sendTraffic({ netns: `${lab}-upf`, dst: 'fd03:1::200', port: 7100, pps, count, size: 200 });
    // warm-up (WARMUP_PINS switches, 100 ms apart), then samples until the end
    for (let i = 0; i < WARMUP_PINS; i++) { await client.call('SetPath', { class: 'low', direction: 'forward', path: paths[i % 3] }); await sleep(100); }
    const startFds = { ctl: fds(ctlPid), agent: fds(agentPid) };
    const t0 = Date.now();
    const samples: { t: number; ctlRss: number; agentRss: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      for (let next = Date.now(); sampling; next += SAMPLE_MS) {
        await sleep(Math.max(0, next - Date.now()));
        samples.push({ t: Date.now() - t0, ctlRss: rssMb(ctlPid), agentRss: rssMb(agentPid) });
      }
    })();
    let pins = WARMUP_PINS;
    const switchFor = async (ms: number) => {
      for (const until = Date.now() + ms; Date.now() < until; pins++) {
        const e = await client.call('SetPath', { class: 'low', direction: 'forward', path: paths[pins % 3] });
        expect(e.ok).to.equal(true);
        await sleep(100);
      }
    };
    await switchFor((SECONDS - WARMUP_PINS / 10) * 1000);
    sampling = false;
    await sampler;
    // then the live heaps over LIVE_HEAP_MS more (after the RSS samples: a snapshot leaves the process's RSS larger)
    const liveHeaps = async () => ({ t: Date.now(), ctl: await liveHeapMb(ctlPid, snapshots), agent: await liveHeapMb(agentPid, snapshots) });
    const liveStart = await liveHeaps();
    await switchFor(LIVE_HEAP_MS);
    const liveEnd = await liveHeaps();
    const endFds = { ctl: fds(ctlPid), agent: fds(agentPid) };
    await tx;
    const got = await rx.done;
    await sleep(300);
    watch.stop();
    client.close();

    const agentRss = fit(samples, (i) => samples[i].agentRss);
    const ctlRss = fit(samples, (i) => samples[i].ctlRss);
    for (const [when, live] of [['start', liveStart], ['end', liveEnd]] as const) {
      expect(live.ctl, `controller heap snapshot (on SIGUSR2) at the ${when}`).to.be.a('number');
      expect(live.agent, `agent heap snapshot (on SIGUSR2) at the ${when}`).to.be.a('number');
    }
    const livePerHour = (who: 'ctl' | 'agent') => ((liveEnd[who]! - liveStart[who]!) / (liveEnd.t - liveStart.t)) * 3_600_000;
    const liveShow = (who: 'ctl' | 'agent') => `live heap ${liveStart[who]!.toFixed(2)} -> ${liveEnd[who]!.toFixed(2)} MB, ${livePerHour(who) >= 0 ? '+' : ''}${livePerHour(who).toFixed(0)} MB/h`;
    const span = (samples[samples.length - 1].t - samples[0].t) / 1000;
    console.log(`      ${pins} switches, ${samples.length} samples over ${span.toFixed(1)} s; ${got.lost} of ${count} packets lost; fds ${startFds.ctl}->${endFds.ctl} / ${startFds.agent}->${endFds.agent}`);
    console.log(`      agent: ${show(agentRss, 'RSS')} (now anonymous ${status(agentPid, 'RssAnon').toFixed(1)}, file ${status(agentPid, 'RssFile').toFixed(1)} MB); ${liveShow('agent')}`);
    console.log(`      controller: ${show(ctlRss, 'RSS')}; ${liveShow('ctl')}`);

    expect(events.filter((e) => e.trigger === 'pin')).to.have.length(pins);
    expect(got.lost).to.equal(0);
    expect(samples.length, 'memory samples').to.be.at.least(10);
    expect(agentRss.max, 'agent RSS (MB): the bar').to.be.at.most(BAR_MB.agent);
    expect(ctlRss.max, 'controller RSS (MB): the bar').to.be.at.most(BAR_MB.controller);
    expect(agentRss.perHour, 'agent RSS growth, extrapolated (MB/h)').to.be.at.most(GROWTH_BOUND_MB_PER_HOUR.agentRss);
    expect(livePerHour('agent'), 'agent live heap growth, extrapolated (MB/h)').to.be.at.most(GROWTH_BOUND_MB_PER_HOUR.agentLiveHeap);
    expect(livePerHour('ctl'), 'controller live heap growth, extrapolated (MB/h)').to.be.at.most(GROWTH_BOUND_MB_PER_HOUR.controllerLiveHeap);
    expect(ctlRss.perHour, 'controller RSS growth, extrapolated (MB/h)').to.be.at.most(GROWTH_BOUND_MB_PER_HOUR.controllerRss);
    expect(endFds.ctl - startFds.ctl, 'controller fds').to.be.at.most(2);
    expect(endFds.agent - startFds.agent, 'agent fds').to.be.at.most(2);
  });
});
