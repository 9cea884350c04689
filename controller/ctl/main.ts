#!/usr/bin/env node
// srv6ctl: the operator's CLI on the controller API (proto/srv6/controller/v1/controller.proto).
import { Command, InvalidArgumentError, type CommanderError } from 'commander';
import { basename, dirname, resolve } from 'node:path';
import { tlsFiles } from '../../proto/tls.js';
import { Ctl, CtlError, defaultController, EXIT_FAILURE, EXIT_USAGE, normalizeAddress } from './api.js';
import { renderFrame, runDashboard, snapshot } from './dashboard.js';
import {
  age, flowPathText, mbps, nsAsMs, num, paint, parsePath, pathText, pct, pps, stateColour, stripAnsi, switchLine, table, usAsMs,
  type Style,
} from './format.js';
import type { Decision, Flow, Optimum, PathSet, Policy, RouterStatus, SwitchEvent, Topology } from './types.js';

interface Globals {
  controller: string;
  json?: boolean;
  timeout: number;
  color: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

const uint = (min = 0, max = 0xffffffff) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected an integer ${min}..${max}`);
  return n;
};
const number = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number, e.g. 0.7');
  return n;
};

const out = (s: string): void => void process.stdout.write(`${s}\n`);
const printJson = (x: unknown): void => out(JSON.stringify(x, null, 2));

function globals(cmd: Command): Globals & Style & { width?: number } {
  const g = cmd.optsWithGlobals<Globals>();
  const tty = !!process.stdout.isTTY;
  return { ...g, color: g.color && tty && !process.env.NO_COLOR, width: tty ? process.stdout.columns : undefined };
}

/** Runs a command against the controller; the client is closed whatever happens. */
async function withCtl(cmd: Command, fn: (ctl: Ctl, g: ReturnType<typeof globals>) => Promise<void>): Promise<void> {
  const g = globals(cmd);
  const ctl = new Ctl(normalizeAddress(g.controller), g.timeout, tlsFiles({ cert: g.tlsCert, key: g.tlsKey, ca: g.tlsCa }, 'srv6ctl'));
  try {
    await fn(ctl, g);
  } finally {
    ctl.close();
  }
}

function usage(cmd: Command, message: string): never {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  cmd.error(`${names.join(' ')}: ${message}`, { exitCode: EXIT_USAGE, code: 'srv6ctl.usage' });
}

const program = new Command()
  .name('srv6ctl')
  .description('Operate the SRv6 controller: routers, topology, flows, candidate paths, pins, the policy, switches, the live dashboard')
  .option('-c, --controller <address>', 'controller API: host:port, [v6]:port or unix:/path (env SRV6_CONTROLLER)', defaultController())
  .option('--json', 'machine-readable output: the API\'s messages, field names as in the proto')
  .option('--timeout <ms>', 'deadline of each call', uint(1), 5000)
  .option('--no-color', 'no colours (also NO_COLOR=1; never when the output is not a terminal)')
  .option('--tls-cert <file>', 'mutual TLS: the operator\'s client certificate (env SRV6_TLS_CERT)', process.env.SRV6_TLS_CERT)
  .option('--tls-key <file>', 'its private key (env SRV6_TLS_KEY)', process.env.SRV6_TLS_KEY)
  .option('--tls-ca <file>', 'the CA the controller\'s certificate must be signed by (env SRV6_TLS_CA)', process.env.SRV6_TLS_CA)
  .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
  .showHelpAfterError('(srv6ctl --help shows the commands and examples)')
  .exitOverride((e: CommanderError) => process.exit(e.exitCode === 0 ? 0 : EXIT_USAGE))
  .addHelpText('after', `
Exit status: 0 ok, 1 failure (e.g. the controller is unreachable), 2 usage error
(including input the controller refuses as INVALID_ARGUMENT).

Examples:
  srv6ctl routers                                 # are all agents connected, is telemetry flowing?
  srv6ctl flows                                   # every class per direction: path, rate, mode
  srv6ctl paths --class low --direction forward   # candidate paths, * marks the current one
  srv6ctl pin low forward r1,r3,r5,r6             # pin a path (mode becomes static), with its timing
  srv6ctl policy set --class low --mode least-utilized --threshold 0.5
  srv6ctl switches --follow                       # every switch as it happens
  srv6ctl watch                                   # the live dashboard (q or Ctrl-C quits)
  srv6ctl snapshot                                # the network now as a picture (SVG + PNG)
  srv6ctl bench switch                            # a benchmark on a lab of its own (bench/README.md)
  srv6ctl --controller [::1]:50052 --json flows   # another controller, JSON output
  SRV6_CONTROLLER=unix:/run/srv6-lab/mylab/controller.sock srv6ctl routers`);

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
  .description('every flow class per direction: ingress->egress, table, mode, current path (a pinned path that is down: the fallback, marked), rate, path utilisation, switches, oscillations')
  .action((_o, cmd: Command) => withCtl(cmd, async (ctl, g) => {
    const r = await ctl.call<{ flows: Flow[] }>('ListFlows');
    if (g.json) return printJson(r);
    const pathCell = (f: Flow) => (f.pin?.length && f.pin_fallback ? `${flowPathText(f)} ${paint(g, 'red', `(pinned ${pathText(f.pin)} is down)`)}` : flowPathText(f));
    out(table(['CLASS', 'DIRECTION', 'INGRESS->EGRESS', 'TABLE', 'MODE', 'PATH', 'RATE', 'PKT/S', 'PATH UTIL', 'SWITCHES', 'OSC'], r.flows.map((f) => [
      f.class, f.direction, `${f.ingress}->${f.egress}`, String(f.table), f.pin?.length ? 'pinned' : f.mode, pathCell(f), mbps(f.rate_mbps), pps(f.packets_per_s),
      pct(f.path_utilization, '-'), f.switches, f.oscillations ?? '0',
    ]), { right: [3, 6, 7, 8, 9, 10], maxWidth: g.width }));
  }));

// ---------- paths ----------

program.command('paths')
  .description('candidate paths per class and direction: hops, cost (bottleneck utilisation with the class moved there), * = current')
  .option('--class <class>', 'only this class')
  .option('--direction <direction>', 'only this direction: forward or reverse')
  .option('-k <n>', 'at most this many candidates per flow (default: the controller\'s)', uint(1, 64))
  .addHelpText('after', '\nExample:\n  srv6ctl paths --class low --direction forward -k 3')
  .action((o: { class?: string; direction?: string; k?: number }, cmd: Command) => withCtl(cmd, async (ctl, g) => {
    const r = await ctl.call<{ sets: PathSet[] }>('ListPaths', { class: o.class ?? '', direction: o.direction ?? '', k: o.k ?? 0 });
    if (g.json) return printJson(r);
    r.sets.forEach((s, i) => {
      if (i) out('');
      const first = s.paths[0]?.path;
      out(paint(g, 'bold', `${s.class} ${s.direction}${first?.length ? ` (${first[0]} -> ${first[first.length - 1]})` : ''}`));
      if (!s.paths.length) return out('  no usable path: every candidate crosses a down link');
      out(table(['', 'PATH', 'HOPS', 'COST', 'SEGMENTS'], s.paths.map((p) => [
        p.current ? paint(g, 'cyan', '*') : '', p.current ? paint(g, 'cyan', pathText(p.path)) : pathText(p.path), String(p.hops), pct(p.cost), p.segments.join(' '),
      ]), { right: [2, 3], maxWidth: g.width, indent: 1 }));
      if (!s.paths.some((p) => p.current)) out('  (the current path is not among these candidates: srv6ctl flows shows it)');
    });
  }));

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

// ---------- policy ----------

const policy = program.command('policy')
  .description('show or change the policy: mode, threshold, hysteresis, hold-down per flow; telemetry interval, smoothing')
  .addHelpText('after', `
Examples:
  srv6ctl policy
  srv6ctl policy set --mode least-utilized --threshold 0.7 --hysteresis 0.1   # every flow
  srv6ctl policy set --class low --direction forward --mode static
  srv6ctl policy set --interval 50 --smoothing 0.5`);

function printPolicy(p: Policy, g: ReturnType<typeof globals>): void {
  if (g.json) return printJson(p);
  out(`telemetry interval ${p.interval_ms} ms, smoothing ${num(p.smoothing)} (EWMA weight of the newest sample)`);
  out(table(['CLASS', 'DIRECTION', 'MODE', 'THRESHOLD', 'HYSTERESIS', 'HOLD-DOWN', 'RATE FLOOR'], p.flows.map((f) => [
    f.class, f.direction, f.mode, num(f.threshold), num(f.hysteresis), `${f.hold_down_ms} ms`, mbps(f.min_rate_mbps ?? 0),
  ]), { right: [3, 4, 5, 6], maxWidth: g.width }));
}

policy.command('show', { isDefault: true })
  .description('the policy of every flow (the default)')
  .action((_o, cmd: Command) => withCtl(cmd, async (ctl, g) => printPolicy(await ctl.call<Policy>('GetPolicy'), g)));

policy.command('set')
  .description('change the given fields only (of every flow, or of --class / --direction)')
  .option('--class <class>', 'only this class (default: every class)')
  .option('--direction <direction>', 'only this direction: forward or reverse (default: both)')
  .option('--mode <mode>', 'static, least-utilized, weighted-multipath or tiered')
  .option('--threshold <x>', 'switch when the current path is more utilised than this (0..1]', number)
  .option('--hysteresis <x>', '... and an alternative is better by at least this margin [0..1]', number)
  .option('--hold-down <ms>', 'at least this long between two switches of one flow', uint())
  .option('--interval <ms>', 'telemetry interval of every agent (10..60000)', uint())
  .option('--smoothing <x>', 'EWMA weight of the newest telemetry sample (0..1]', number)
  .option('--min-rate <mbps>', 'rate floor in Mbit/s: a flow under it is never moved for congestion (0: the default, 1 % of the smallest link on its path)', number)
  .addHelpText('after', '\nExample:\n  srv6ctl policy set --class low --direction forward --mode least-utilized --threshold 0.5')
  .action((o: { class?: string; direction?: string; mode?: string; threshold?: number; hysteresis?: number; holdDown?: number; interval?: number; smoothing?: number; minRate?: number }, cmd: Command) => {
    const req: Record<string, unknown> = { class: o.class ?? '', direction: o.direction ?? '', mode: o.mode ?? '' };
    // proto3 `optional`: a field not given is not sent, and the controller leaves it unchanged
    if (o.threshold !== undefined) req.threshold = o.threshold;
    if (o.hysteresis !== undefined) req.hysteresis = o.hysteresis;
    if (o.holdDown !== undefined) req.hold_down_ms = o.holdDown;
    if (o.interval !== undefined) req.interval_ms = o.interval;
    if (o.smoothing !== undefined) req.smoothing = o.smoothing;
    if (o.minRate !== undefined) req.min_rate_mbps = o.minRate;
    if (o.mode === undefined && Object.keys(req).length === 3) usage(cmd, 'nothing to change: give at least one of --mode, --threshold, --hysteresis, --hold-down, --interval, --smoothing, --min-rate');
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

// ---------- switches ----------

program.command('switches')
  .description('the last switches with their trigger and timing; --follow: then every new one as it happens')
  .option('-f, --follow', 'keep printing new switches until Ctrl-C')
  .option('--replay <n>', 'how many past switches to show first', uint(0, 1000), 20)
  .addHelpText('after', `
One line per switch (JSON lines with --json): time, id, class, direction, ingress
and table, trigger, from -> to, decision -> kernel ack, decision -> reply, kernel time.

Examples:
  srv6ctl switches --replay 5
  srv6ctl switches --follow --replay 0
  srv6ctl --json switches --follow | jq -c '{class, trigger, us: .timing.decision_to_ack_us}'`)
  .action((o: { follow?: boolean; replay: number }, cmd: Command) => withCtl(cmd, async (ctl, g) => {
    const print = (e: SwitchEvent) => out(g.json ? JSON.stringify(e) : switchLine(e, g));
    if (!o.follow) {
      const events = await ctl.recentSwitches(o.replay);
      events.forEach(print);
      if (!events.length && !g.json) process.stderr.write('no switches yet\n');
      return;
    }
    await ctl.call('GetPolicy'); // reachable?
    const stream = ctl.watchSwitches(o.replay);
    process.stderr.write(`following the switches of ${ctl.address} (Ctrl-C stops)\n`);
    await new Promise<void>((resolve, reject) => {
      const stop = () => {
        stream.removeAllListeners();
        stream.on('error', () => undefined);
        stream.cancel();
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      stream.on('data', print);
      stream.on('error', (e) => reject(ctl.explain(e, 'WatchSwitches')));
      stream.on('end', () => reject(new CtlError(`the controller at ${ctl.address} ended the stream`)));
    });
  }));

// ---------- watch ----------

program.command('watch')
  .description('live dashboard: link utilisation per direction, each class\'s path per direction, the last switches')
  .option('--once', 'render one frame to stdout (no cursor control) and exit: for tests and logs')
  .option('--ascii', 'bars and marks in ASCII only (the default unless the locale is UTF-8)')
  .addHelpText('after', `
Redraws on every telemetry round and every switch (at most 10 times a second) on
the terminal's alternate screen; q or Ctrl-C restores the terminal. Fits 80x24:
what does not fit is cut with a note. Not on a terminal, it prints a frame a
second; with --json, JSON lines {"utilization": ...} and {"switch": ...}.

Examples:
  srv6ctl watch
  srv6ctl watch --once > frame.txt
  srv6ctl --json watch --once        # topology, flows, policy and the last switches`)
  .action((o: { once?: boolean; ascii?: boolean }, cmd: Command) => withCtl(cmd, async (ctl, g) => {
    const utf8 = /utf-?8/i.test(process.env.LC_ALL || process.env.LC_CTYPE || process.env.LANG || '');
    const unicode = !o.ascii && utf8;
    if (o.once) {
      const d = await snapshot(ctl);
      if (g.json) return printJson({ topology: d.topology, flows: d.flows, policy: d.policy, switches: d.switches });
      const lines = renderFrame(d, { width: g.width ?? 80, height: Infinity, color: g.color, unicode, live: false });
      return out((g.color ? lines : lines.map(stripAnsi)).join('\n'));
    }
    await runDashboard(ctl, { color: g.color, unicode, json: !!g.json });
  }));

// ---------- snapshot ----------

program.command('snapshot')
  .description('picture of the network now: per-link utilisation in each direction and each class\'s path (SVG and PNG)')
  .option('-o, --out <base>', 'file name without extension', `snapshot-${new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}`)
  .option('--title <text>', 'title on the picture', 'srv6-orchestrator')
  .addHelpText('after', `
Writes <base>.svg and <base>.png (no display needed). The same pictures the
scenarios take at intervals (bench/README.md).

Examples:
  srv6ctl snapshot
  srv6ctl snapshot -o /tmp/now --title "before the load"`)
  .action((o: { out: string; title: string }, cmd: Command) => withCtl(cmd, async (ctl) => {
    const [topology, { flows }] = await Promise.all([ctl.call<Topology>('GetTopology'), ctl.call<{ flows: Flow[] }>('ListFlows')]);
    const [{ topologySnapshot }, { writePlot }] = await Promise.all([import('../../bench/plot/topology.js'), import('../../bench/plot/png.js')]);
    const files = writePlot(dirname(resolve(o.out)), basename(o.out), topologySnapshot(topology, flows, { title: o.title, time: new Date() }));
    out(files.join('\n'));
  }));

// ---------- bench ----------

program.command('bench')
  .description('run a benchmark on a lab of its own (root): switch, loss, reaction, program, dataplane, scenario1-3 (srv6ctl bench --help)')
  .argument('[args...]', 'the benchmark and its options, as srv6-bench takes them')
  .helpOption(false)
  .allowUnknownOption()
  .action(async (args: string[]) => {
    const { benchMain } = await import('../../bench/cli.js');
    await benchMain(args.length ? args : ['--help'], 'srv6ctl bench');
    if (process.exitCode) throw new CtlError('the benchmark failed', Number(process.exitCode));
  });

// ---------- run ----------

process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : EXIT_FAILURE));

try {
  await program.parseAsync();
  process.exit(0);
} catch (e) {
  const code = e instanceof CtlError ? e.exitCode : EXIT_FAILURE;
  process.stderr.write(`srv6ctl: ${e instanceof CtlError ? e.message : (e as Error).stack ?? e}\n`);
  process.exit(code);
}
