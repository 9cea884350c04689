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
import { requireRoot } from '../helpers/netns.js';

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
/** A memory sample every SAMPLE_MS after the warm-up (~50 over the default run's 12 s). */
const SAMPLE_MS = 250;
/**
 * Bounds on growth per hour: the least-squares slope of the samples taken
 * after the warm-up, extrapolated to an hour. Measured on this machine (2
 * cores; SOAK_SECONDS=20, so ~12 s of samples) on a build without a known leak:
 *  - agent RSS: -107 to +144 MB/h over 16 runs. Bound 600 MB/h (2 MB in
 *    12 s), 4x the largest seen.
 *  - controller heap in use outside the young generation (heapMb below): +120
 *    to +236 MB/h over 10 runs, the old generation filling with promoted
 *    garbage until a major GC. Bound 1000 MB/h (3.3 MB in 12 s), 4x the
 *    largest. This is the controller's leak check: what the controller keeps
 *    is promoted there within seconds, while heapUsed as a whole swings by
 *    several MB with every scavenge (measured -97 to +535 MB/h).
 *  - controller RSS: -784 to +923 MB/h over 16 runs; but with sampling from
 *    2 s into switching, 1 run in 5 fitted +4316 MB/h: V8 grew the young
 *    generation, RSS +16 MB in one step, ~20 s into switching (a 240 s run
 *    showed it too). A 16 MB step in the middle of 12 s fits 7200 MB/h, so
 *    the bound is 9000 MB/h, loose on purpose: in 12 s RSS cannot tell that
 *    step from a leak; the heap bound above can.
 * The agent's heap is not sampled: a diagnostic report costs a Node process
 * ~2 MB of RSS (agent peaks 82.1-84.0 MB with reports, 80.8-81.0 without),
 * enough to decide its bar; its RSS slope is steady enough to bound instead.
 * Longer runs (SOAK_SECONDS=600) are held to the same bounds; one 240 s run
 * fitted -346 MB/h (controller RSS), -276 MB/h (agent RSS).
 */
const GROWTH_BOUND_MB_PER_HOUR = { agentRss: 600, controllerOldGen: 1000, controllerRss: 9000 };

/**
 * The V8 heap of another Node process: it writes a diagnostic report on
 * SIGUSR2 (--report-on-signal, given through NODE_OPTIONS when it was started)
 * into `dir`. heapUsed, and the part of it outside the young generation (new
 * space, new large objects), whose size swings with every scavenge and with
 * V8 resizing it; undefined when no report comes.
 */
async function heapMb(pid: number, dir: string): Promise<{ used: number; oldGen: number } | undefined> {
  const mine = () => readdirSync(dir).filter((f) => f.includes(`.${pid}.`));
  for (const f of mine()) rmSync(join(dir, f), { force: true });
  process.kill(pid, 'SIGUSR2');
  for (const deadline = Date.now() + 2000; Date.now() < deadline; await sleep(10)) {
    for (const f of mine()) {
      try {
        const h = JSON.parse(readFileSync(join(dir, f), 'utf8')).javascriptHeap;
        rmSync(join(dir, f), { force: true });
        const young = h.heapSpaces.new_space.used + h.heapSpaces.new_large_object_space.used;
        return { used: h.usedMemory / MB, oldGen: (h.usedMemory - young) / MB };
      } catch { /* still being written */ }
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
  let reports: string;
  let ctl: ReturnType<typeof spawn> | undefined;
  // the controller writes a diagnostic report (with its heap) on SIGUSR2
  const env = () => ({ ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --report-on-signal --report-signal=SIGUSR2 --report-directory=${reports}`.trim() });

  before(function () {
    requireRoot(this);
    dir = mkdtempSync(join(tmpdir(), 'srv6t-soak-'));
    reports = join(dir, 'reports');
    mkdirSync(reports);
    const up = spawnSync(process.execPath, [join(DIST, 'hostsetup', 'lab', 'main.js'), 'up', 'reference', '--name', lab, '--no-controller'], { encoding: 'utf8' });
    if (up.status !== 0) throw new Error(up.stderr);
  });

  after(() => {
    ctl?.kill('SIGKILL');
    spawnSync(process.execPath, [join(DIST, 'hostsetup', 'lab', 'main.js'), 'down', '--name', lab]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps memory, file descriptors, switch events and packets in order', async () => {
    const sock = join(dir, 'ctl.sock');
    ctl = spawn(process.execPath, [join(DIST, 'controller', 'main.js'), '--agent-socket-dir', `/run/srv6-lab/${lab}`, '--listen', `unix:${sock}`,
      '--metrics', 'off', '--mode', 'static', '--log-level', 'warn'], { stdio: 'ignore', env: env() });
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
    const samples: { t: number; ctlRss: number; agentRss: number; ctlHeap?: { used: number; oldGen: number } }[] = [];
    let sampling = true;
    const sampler = (async () => {
      for (let next = Date.now(); sampling; next += SAMPLE_MS) {
        await sleep(Math.max(0, next - Date.now()));
        const ctlHeap = await heapMb(ctlPid, reports);
        samples.push({ t: Date.now() - t0, ctlRss: rssMb(ctlPid), agentRss: rssMb(agentPid), ctlHeap });
      }
    })();
    let pins = WARMUP_PINS;
    const until = Date.now() + (SECONDS - WARMUP_PINS / 10) * 1000;
    while (Date.now() < until) {
      const e = await client.call('SetPath', { class: 'low', direction: 'forward', path: paths[pins % 3] });
      expect(e.ok).to.equal(true);
      pins++;
      await sleep(100);
    }
    sampling = false;
    await sampler;
    const endFds = { ctl: fds(ctlPid), agent: fds(agentPid) };
    await tx;
    const got = await rx.done;
    await sleep(300);
    watch.stop();
    client.close();

    const agentRss = fit(samples, (i) => samples[i].agentRss);
    const ctlRss = fit(samples, (i) => samples[i].ctlRss);
    const heapSamples = samples.filter((s) => s.ctlHeap).length;
    const ctlHeap = fit(samples, (i) => samples[i].ctlHeap?.used);
    const ctlOldGen = fit(samples, (i) => samples[i].ctlHeap?.oldGen);
    const span = (samples[samples.length - 1].t - samples[0].t) / 1000;
    console.log(`      ${pins} switches, ${samples.length} samples over ${span.toFixed(1)} s; ${got.lost} of ${count} packets lost; fds ${startFds.ctl}->${endFds.ctl} / ${startFds.agent}->${endFds.agent}`);
    console.log(`      agent: ${show(agentRss, 'RSS')} (now anonymous ${status(agentPid, 'RssAnon').toFixed(1)}, file ${status(agentPid, 'RssFile').toFixed(1)} MB)`);
    console.log(`      controller: ${show(ctlRss, 'RSS')}; ${show(ctlHeap, 'heapUsed')}; ${show(ctlOldGen, 'outside the young generation')}`);

    expect(events.filter((e) => e.trigger === 'pin')).to.have.length(pins);
    expect(got.lost).to.equal(0);
    expect(samples.length, 'memory samples').to.be.at.least(10);
    expect(heapSamples, 'controller heap samples (diagnostic reports on SIGUSR2)').to.equal(samples.length);
    expect(agentRss.max, 'agent RSS (MB): the bar').to.be.at.most(BAR_MB.agent);
    expect(ctlRss.max, 'controller RSS (MB): the bar').to.be.at.most(BAR_MB.controller);
    expect(agentRss.perHour, 'agent RSS growth, extrapolated (MB/h)').to.be.at.most(GROWTH_BOUND_MB_PER_HOUR.agentRss);
    expect(ctlOldGen.perHour, 'controller heap growth outside the young generation, extrapolated (MB/h)').to.be.at.most(GROWTH_BOUND_MB_PER_HOUR.controllerOldGen);
    expect(ctlRss.perHour, 'controller RSS growth, extrapolated (MB/h)').to.be.at.most(GROWTH_BOUND_MB_PER_HOUR.controllerRss);
    expect(endFds.ctl - startFds.ctl, 'controller fds').to.be.at.most(2);
    expect(endFds.agent - startFds.agent, 'agent fds').to.be.at.most(2);
  });
});
