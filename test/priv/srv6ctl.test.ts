// srv6ctl as an operator uses it: the reference lab (srv6-lab CLI), our own
// controller process on a unix socket, every command run as a separate
// process, and the kernel's tables read back with iproute2.
// Over 300 lines: one test per srv6ctl command on one shared lab.
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireSrv6Routes, run } from '../helpers/netns.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LAB_MAIN = join(DIST, 'hostsetup', 'lab', 'main.js');
const CONTROLLER_MAIN = join(DIST, 'controller', 'main.js');
const CTL_MAIN = join(DIST, 'controller', 'ctl', 'main.js');

const lab = (...args: string[]) => spawnSync(process.execPath, [LAB_MAIN, ...args], { encoding: 'utf8' });
const labOk = (...args: string[]) => {
  const r = lab(...args);
  if (r.status !== 0) throw new Error(`srv6-lab ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

const pathOf = (s: string) => s.split(',');
// the reference network: classes and their tables, the far external network per direction
const TABLES = { high: 101, medium: 102, low: 103 } as const;
const DESTINATION = { forward: 'fd03:1::/64', reverse: 'fd01:1::/64' } as const;

describe('srv6ctl: the operator CLI on a live controller (privileged)', function () {
  this.timeout(60_000);
  const name = `c${process.pid % 100000}`;
  let tmp = '';
  let address = '';
  let controller: ChildProcess | undefined;
  const children = new Set<ChildProcess>();

  const ctl = (...args: string[]): Result => {
    const r = spawnSync(process.execPath, [CTL_MAIN, '--controller', address, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const ctlAsync = (...args: string[]): Promise<Result> => new Promise((resolve) => {
    const p = spawn(process.execPath, [CTL_MAIN, '--controller', address, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  const ctlOk = (...args: string[]): string => {
    const r = ctl(...args);
    if (r.status !== 0) throw new Error(`srv6ctl ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const ctlJson = <T = any>(...args: string[]): T => JSON.parse(ctlOk('--json', ...args)) as T;

  /** The seg6 route of a class table, read with iproute2 in the router's namespace. */
  const kernelRoute = (router: string, table: number): { dst: string; segs: string[] } | undefined => {
    const routes = JSON.parse(run('ip', ['-j', '-n', `${name}-${router}`, '-6', 'route', 'show', 'table', String(table)]) || '[]');
    return routes.find((r: { encap?: string }) => r.encap === 'seg6');
  };
  /** Every class table of both ingress routers, as iproute2 prints them. */
  const kernelTables = () => ['r1', 'r6'].flatMap((r) => Object.values(TABLES).map((t) => run('ip', ['-n', `${name}-${r}`, '-6', 'route', 'show', 'table', String(t)]))).join('\n');

  /** flows --json and the kernel say the same thing, for every class and direction. */
  const expectFlowsMatchKernel = () => {
    const { flows } = ctlJson<{ flows: any[] }>('flows');
    expect(flows).to.have.length(6);
    for (const f of flows) {
      expect(f.table, `${f.class} ${f.direction} table`).to.equal(TABLES[f.class as keyof typeof TABLES]);
      expect(f.ingress).to.equal(f.direction === 'forward' ? 'r1' : 'r6');
      const route = kernelRoute(f.ingress, f.table);
      expect(route, `${f.class} ${f.direction}: a seg6 route in ${f.ingress} table ${f.table}`).to.not.equal(undefined);
      expect(route!.dst).to.equal(DESTINATION[f.direction as keyof typeof DESTINATION]);
      expect(route!.segs, `${f.class} ${f.direction} segments`).to.deep.equal(f.segments);
      expect(f.path[0]).to.equal(f.ingress);
      expect(f.path[f.path.length - 1]).to.equal(f.egress);
    }
    return flows;
  };

  before(async function () {
    requireSrv6Routes(this);
    tmp = mkdtempSync(join(tmpdir(), 'srv6ctl-'));
    address = `unix:${join(tmp, 'ctl.sock')}`;
    const noController = lab('up', '--help').stdout.includes('--no-controller') ? ['--no-controller'] : [];
    labOk('up', 'reference', '--name', name, ...noController);
    const log = openSync(join(tmp, 'controller.log'), 'a');
    controller = spawn(process.execPath, [
      CONTROLLER_MAIN, '--agent-socket-dir', `/run/srv6-lab/${name}`, '--listen', address, '--metrics', 'off', '--interval', '100',
    ], { stdio: ['ignore', log, log] });
    closeSync(log);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = ctl('--json', 'routers');
      if (r.status === 0 && JSON.parse(r.stdout).routers.every((x: { state: string; telemetry_age_ms: string }) => x.state === 'connected' && Number(x.telemetry_age_ms) >= 0)) break;
      if (controller.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the controller did not connect to every agent: ${r.stdout}${r.stderr}\n${readFileSync(join(tmp, 'controller.log'), 'utf8').slice(-3000)}`);
      }
      await sleep(200);
    }
  });

  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (controller?.pid && controller.exitCode === null && controller.signalCode === null) {
      const exited = new Promise((r) => controller!.once('exit', r));
      process.kill(controller.pid, 'SIGTERM');
      const timer = setTimeout(() => controller!.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    if (tmp) lab('down', '--name', name);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('routers: every agent connected, with its address and telemetry age', () => {
    const { routers } = ctlJson('routers');
    expect(routers.map((r: { name: string }) => r.name)).to.deep.equal(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    for (const r of routers) {
      expect(r.state).to.equal('connected');
      expect(r.address).to.equal(`unix:/run/srv6-lab/${name}/${r.name}.sock`);
      expect(Number(r.telemetry_age_ms)).to.be.within(0, 2000);
      expect(r.syncs).to.be.at.least(1);
      expect(r).to.have.all.keys('name', 'address', 'state', 'telemetry_age_ms', 'agent_version', 'agent_started_unix_ms', 'reconnects', 'syncs', 'last_error');
    }
    const text = ctlOk('routers');
    expect(text).to.match(/^ROUTER\s+STATE\s+ADDRESS\s+TELEMETRY AGE\s+RECONNECTS\s+SYNCS/);
    for (const r of routers) expect(text).to.match(new RegExp(`^${r.name}\\s+connected\\s+unix:\\S+${r.name}\\.sock\\s+\\d+ ms\\s+0\\s+\\d+`, 'm'));
    expect(text).to.include('6/6 connected');
  });

  it('topology: every link with state, capacity and utilisation both ways', () => {
    const t = ctlJson('topology');
    expect(t.name).to.equal('reference');
    expect(t.classes).to.deep.equal(['high', 'medium', 'low']);
    expect(t.links).to.have.length(7);
    const text = ctlOk('topology');
    for (const l of t.links) {
      expect(l.state).to.equal('up');
      expect(l.capacity_mbps).to.equal(100);
      expect(l.utilization_ab).to.be.a('number').and.at.least(0);
      expect(l.utilization_ba).to.be.a('number').and.at.least(0);
      expect(text).to.match(new RegExp(`^${l.name}\\s+${l.a} ${l.a_interface}\\s+${l.b} ${l.b_interface}\\s+up\\s+100 Mb/s\\s+[\\d.]+%\\s+[\\d.]+ Mb/s\\s+[\\d.]+%\\s+[\\d.]+ Mb/s$`, 'm'));
    }
  });

  it('flows: every class per direction, and --json agrees with tables 101/102/103 on r1 and r6', () => {
    const flows = expectFlowsMatchKernel();
    const text = ctlOk('flows');
    expect(text).to.match(/^CLASS\s+DIRECTION\s+INGRESS->EGRESS\s+TABLE\s+MODE\s+PATH\s+RATE\s+PKT\/S\s+PATH UTIL\s+DELAY\s+SWITCHES\s+OSC\s+BACKUP$/m);
    for (const f of flows) {
      expect(text).to.match(new RegExp(`^${f.class}\\s+${f.direction}\\s+${f.ingress}->${f.egress}\\s+${f.table}\\s+${f.mode}\\s+${f.path.join('-')}\\s+[\\d.]+ Mb/s`, 'm'));
    }
  });

  it('paths: candidates with hops, cost and segments, the current one marked', () => {
    const { sets } = ctlJson('paths');
    expect(sets).to.have.length(6);
    const flows = ctlJson('flows').flows;
    for (const s of sets) {
      const f = flows.find((x: any) => x.class === s.class && x.direction === s.direction);
      const current = s.paths.filter((p: any) => p.current);
      expect(current, `${s.class} ${s.direction}`).to.have.length(1);
      expect(current[0].path).to.deep.equal(f.path);
      for (const p of s.paths) expect(p.hops).to.equal(p.path.length - 1);
    }
    const one = ctlJson('paths', '--class', 'low', '--direction', 'forward', '-k', '2');
    expect(one.sets).to.have.length(1);
    expect(one.sets[0].paths).to.have.length.at.most(2);
    const text = ctlOk('paths', '--class', 'low', '--direction', 'forward');
    expect(text).to.match(/^low forward \(r1 -> r6\)$/m);
    // hops, cost, then the probes' loss, delay p50 and p99 (ms) and state
    expect(text).to.match(/^\s+\*\s+r1-r2-r5-r6\s+3\s+[\d.]+%\s+[\d.]+%\s+[\d.]+\s+[\d.]+\s+live\s+fc00:2::1 fc00:5::1 fc00:6::d3$/m);
  });

  it('pin low forward r1,r3,r5,r6: the switch with its timing, paths marks it current, r1 table 103 has it', () => {
    const text = ctlOk('pin', 'low', 'forward', 'r1,r3,r5,r6');
    expect(text).to.match(/low forward pinned: r1-r2-r5-r6 -> r1-r3-r5-r6 \(switch #\d+, r1 table 103, segments fc00:3::1 fc00:5::1 fc00:6::d3\)/);
    expect(text).to.match(/decision -> kernel ack\s+\d+\.\d{3} ms/);
    expect(text).to.match(/decision -> reply\s+\d+\.\d{3} ms/);
    expect(text).to.match(/kernel time\s+\d+\.\d{3} ms/);

    const { sets } = ctlJson('paths', '--class', 'low', '--direction', 'forward');
    expect(sets[0].paths.filter((p: any) => p.current).map((p: any) => p.path)).to.deep.equal([pathOf('r1,r3,r5,r6')]);
    // the independent reader
    expect(run('ip', ['-n', `${name}-r1`, '-6', 'route', 'show', 'table', '103'])).to.include('segs 3 [ fc00:3::1 fc00:5::1 fc00:6::d3 ]');
    const flows = expectFlowsMatchKernel();
    const low = flows.find((f: any) => f.class === 'low' && f.direction === 'forward');
    expect(low.mode).to.equal('static');
    expect(low.switches).to.equal('1');
  });

  it('pin --json (reverse, path as separate words): the SwitchEvent with the proto\'s field names', () => {
    const e = ctlJson('pin', 'high', 'reverse', 'r6', 'r4', 'r2', 'r1');
    expect(e).to.include({ class: 'high', direction: 'reverse', router: 'r6', table: 101, trigger: 'pin', ok: true, error: '' });
    expect(e.from_path).to.deep.equal(pathOf('r6,r5,r3,r1'));
    expect(e.to_path).to.deep.equal(pathOf('r6,r4,r2,r1'));
    expect(e.segments).to.deep.equal(['fc00:4::1', 'fc00:2::1', 'fc00:1::d1']);
    expect(e.timing.decision_to_ack_us).to.be.greaterThan(0);
    expect(e.timing.decision_to_reply_us).to.be.at.least(e.timing.decision_to_ack_us);
    expect(Number(e.timing.kernel_ns)).to.be.greaterThan(0);
    expect(kernelRoute('r6', 101)!.segs).to.deep.equal(['fc00:4::1', 'fc00:2::1', 'fc00:1::d1']);
    expectFlowsMatchKernel();
  });

  it('bad input: exit 2 with the controller\'s message naming the field; nothing changes', async () => {
    const kernelBefore = kernelTables();
    const policyBefore = ctlJson('policy');
    const flowsBefore = ctlJson('flows').flows.map((f: any) => [f.class, f.direction, f.path, f.mode]);
    const cases: [string[], RegExp][] = [
      [['pin', 'nosuch', 'forward', 'r1,r3,r5,r6'], /^srv6ctl: class: "nosuch" is not valid: expected .*high, medium, low/],
      [['pin', 'low', 'sideways', 'r1,r3,r5,r6'], /^srv6ctl: direction: "sideways" is not valid: expected forward or reverse/],
      [['pin', 'low', 'forward', 'r1,r5,r6'], /^srv6ctl: path: "r1,r5,r6" is not valid: .*no link between r1 and r5/],
      [['pin', 'low', 'forward', 'r1,r3,r5'], /^srv6ctl: path: "r1,r3,r5" is not valid: .*ends at r5/],
      [['policy', 'set', '--mode', 'least-utilised'], /^srv6ctl: mode: "least-utilised" is not valid: expected one of static, least-utilized/],
      [['policy', 'set', '--class', 'low', '--threshold', '1.5'], /^srv6ctl: threshold: 1.5 is not valid/],
      [['paths', '--class', 'nosuch'], /^srv6ctl: class: "nosuch" is not valid/],
      [['paths', '--direction', 'up'], /^srv6ctl: direction: "up" is not valid/],
    ];
    const results = await Promise.all(cases.map(([args]) => ctlAsync(...args)));
    results.forEach((r, i) => {
      const [args, message] = cases[i];
      expect(r.status, `srv6ctl ${args.join(' ')}: ${r.stderr}`).to.equal(2);
      expect(r.stderr, args.join(' ')).to.match(message);
      expect(r.stdout, args.join(' ')).to.equal('');
    });
    expect(kernelTables()).to.equal(kernelBefore);
    expect(ctlJson('policy')).to.deep.equal(policyBefore);
    expect(ctlJson('flows').flows.map((f: any) => [f.class, f.direction, f.path, f.mode])).to.deep.equal(flowsBefore);
  });

  it('switches --json --replay 5 shows the pin; switches prints one line per switch', () => {
    const lines = ctlOk('--json', 'switches', '--replay', '5').trim().split('\n');
    expect(lines.length).to.be.within(2, 5);
    const events = lines.map((l) => JSON.parse(l));
    const pin = events.find((e) => e.class === 'low' && e.direction === 'forward' && e.trigger === 'pin');
    expect(pin, lines.join('\n')).to.not.equal(undefined);
    expect(pin).to.include({ ok: true, router: 'r1', table: 103 });
    expect(pin.to_path).to.deep.equal(pathOf('r1,r3,r5,r6'));
    expect(pin.timing.decision_to_ack_us).to.be.greaterThan(0);
    const text = ctlOk('switches', '--replay', '1').trim().split('\n');
    expect(text).to.have.length(1);
    expect(text[0]).to.match(/#\d+\s+high reverse\s+on r6 table 101\s+pin\s+r6-r5-r3-r1 -> r6-r4-r2-r1\s+ack \d+\.\d{3} ms\s+reply \d+\.\d{3} ms\s+kernel \d+\.\d{3} ms/);
  });

  it('switches --follow prints a new switch as it happens and ends on Ctrl-C with 0', async () => {
    const p = spawn(process.execPath, [CTL_MAIN, '--controller', address, '--json', 'switches', '--follow', '--replay', '0']);
    children.add(p);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const ready = Date.now() + 5000;
    while (!stderr.includes('following the switches') && Date.now() < ready) await sleep(20);
    expect(stderr).to.include(`following the switches of ${address}`);
    await sleep(200); // the stream's request reaches the controller
    ctlOk('pin', 'medium', 'forward', 'r1,r2,r5,r6');
    const deadline = Date.now() + 5000;
    while (!stdout.includes('\n') && Date.now() < deadline) await sleep(50);
    const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
    p.kill('SIGINT');
    expect(await exited).to.equal(0);
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events, 'only the new switch, not the history').to.have.length(1);
    expect(events[0]).to.include({ class: 'medium', direction: 'forward', trigger: 'pin', ok: true });
    expect(events[0].to_path).to.deep.equal(pathOf('r1,r2,r5,r6'));
  });

  it('watch --once: one plain 80-column frame with every link, every class and the last switches', () => {
    const t = ctlJson('topology');
    const frame = ctlOk('watch', '--once', '--ascii');
    expect(frame).to.not.include('\x1b');
    const lines = frame.replace(/\n$/, '').split('\n');
    for (const l of lines) expect([...l].length, l).to.be.at.most(80);
    for (const l of t.links) expect(frame).to.match(new RegExp(`^${l.name}\\s+up\\s+100M\\s+[#.>]+\\s+[\\d.]+%\\s+[\\d.]+M\\s+[#.>]+\\s+[\\d.]+%\\s+[\\d.]+M$`, 'm'));
    expect(frame).to.match(/^high\s+.?r1-r2-r4-r6\s+least-util\s+[\d.]+M\s+.?r6-r4-r2-r1\s+static\s+[\d.]+M$/m);
    expect(frame).to.match(/^medium\s+.?r1-r2-r5-r6\s+static\s+[\d.]+M\s+.?r6-r4-r2-r1\s+least-util\s+[\d.]+M$/m);
    expect(frame).to.match(/^low\s+.?r1-r3-r5-r6\s+static\s+[\d.]+M\s+.?r6-r5-r2-r1\s+least-util\s+[\d.]+M$/m);
    expect(frame).to.include('LAST SWITCHES');
    expect(frame).to.match(/^\d\d:\d\d:\d\d\.\d{3} low\s+fwd pin\s+\d+\.\d{3}ms\s+r1-r2-r5-r6 > r1-r3-r5-r6$/m);
    const snapshot = ctlJson('watch', '--once');
    expect(snapshot).to.have.all.keys('topology', 'flows', 'policy', 'switches');
    expect(snapshot.switches).to.have.length(3);
  });

  it('watch on a terminal: alternate screen, redraws, q restores the terminal', async function () {
    // script(1) gives srv6ctl a terminal; Debian ships it in bsdutils (from util-linux source)
    if (spawnSync('script', ['--version']).status !== 0) {
      if (process.env.CI === 'true') throw new Error('`script` is not installed (Debian: bsdutils): under CI=true this test must run, not skip');
      this.skip();
    }
    const p = spawn('script', ['-qfec', `stty rows 24 cols 80; ${process.execPath} ${CTL_MAIN} --controller ${address} watch`, '/dev/null'], { env: { ...process.env, LANG: 'C.UTF-8' } });
    children.add(p);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    const deadline = Date.now() + 5000;
    while ((out.match(/\x1b\[H/g) ?? []).length < 5 && Date.now() < deadline) await sleep(50);
    const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
    p.stdin.write('q');
    expect(await exited).to.equal(0);
    expect(out).to.include('\x1b[?1049h');
    expect(out.indexOf('\x1b[?1049l')).to.be.greaterThan(out.lastIndexOf('\x1b[H'));
    const frames = out.split('\x1b[H').length - 1;
    expect(frames).to.be.at.least(5); // a frame per telemetry round (100 ms)
    const last = out.split('\x1b[H').pop()!.split('\x1b[J')[0].replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split(/\r?\r\n/);
    expect(last.length).to.be.at.most(24);
    for (const l of last) expect([...l].length, l).to.be.at.most(80);
    expect(last.join('\n')).to.match(/round \d+/);
  });

  it('policy set changes only the given fields of only the given flow', () => {
    const before = ctlJson('policy');
    const text = ctlOk('policy', 'set', '--class', 'low', '--direction', 'forward', '--mode', 'least-utilized', '--threshold', '0.5');
    expect(text).to.match(/^low\s+forward\s+least-utilized\s+0\.5\s+0\.1\s+1000 ms\s+1\.00 Mb\/s\s+on\s+10 ms\s+100 ms\s+3\s+-$/m);
    const after = ctlJson('policy');
    const expected = structuredClone(before);
    Object.assign(expected.flows.find((f: any) => f.class === 'low' && f.direction === 'forward'), { mode: 'least-utilized', threshold: 0.5 });
    expect(after).to.deep.equal(expected);
    // the shown policy is what the controller applies: nothing moved (no traffic)
    expectFlowsMatchKernel();
  });

  it('analyze: a decision per flow and why, applying nothing', () => {
    const kernelBefore = kernelTables();
    const { decisions } = ctlJson('analyze');
    expect(decisions).to.have.length(6);
    for (const d of decisions) {
      expect(['keep', 'switch', 'hold-down', 'no-alternative', 'static', 'weights', 'wait']).to.include(d.action);
      expect(d.reason).to.be.a('string').and.not.equal('');
    }
    expect(decisions.find((d: any) => d.class === 'high' && d.direction === 'reverse')).to.include({ action: 'static' });
    expect(decisions.find((d: any) => d.class === 'low' && d.direction === 'forward')).to.include({ action: 'keep' });
    const text = ctlOk('analyze');
    expect(text).to.match(/^high\s+reverse\s+static\s+[\d.]+ Mb\/s\s+1\.00 Mb\/s\s+r6-r4-r2-r1\s+[\d.]+%\s+=\s+[\d.]+%\s+-\s+pinned to r6-r4-r2-r1$/m);
    expect(kernelTables()).to.equal(kernelBefore);
  });

  it('errors: an unreachable controller is named with how to point elsewhere (exit 1); usage errors exit 2', async () => {
    const gone = `unix:${join(tmp, 'nobody.sock')}`;
    const r = spawnSync(process.execPath, [CTL_MAIN, '--controller', gone, 'flows'], { encoding: 'utf8' });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include(`cannot reach the controller at ${gone}`);
    expect(r.stderr).to.include('--controller ADDRESS or SRV6_CONTROLLER=ADDRESS');
    const viaEnv = spawnSync(process.execPath, [CTL_MAIN, '--json', 'routers'], { encoding: 'utf8', env: { ...process.env, SRV6_CONTROLLER: address } });
    expect(viaEnv.status, viaEnv.stderr).to.equal(0);
    expect(JSON.parse(viaEnv.stdout).routers).to.have.length(6);
    for (const args of [['bogus'], ['paths', '-k', 'x'], ['policy', 'set', '--class', 'low'], ['pin', 'low'], ['--timeout', 'soon', 'flows'], []]) {
      const u = ctl(...args);
      expect(u.status, `srv6ctl ${args.join(' ')}: ${u.stderr}`).to.equal(2);
      expect(u.stderr).to.not.equal('');
    }
    const help = ctl('--help');
    expect(help.status).to.equal(0);
    expect(help.stdout).to.include('Examples:');
    expect(ctl('pin', '--help').stdout).to.include('srv6ctl pin low forward r1,r3,r5,r6');
  });
});
