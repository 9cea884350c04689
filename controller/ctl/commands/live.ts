// srv6ctl's commands on the network as it changes: the switches (as they
// happen), the live dashboard, a picture of the network now.
import type { Command } from 'commander';
import { basename, dirname, resolve } from 'node:path';
import { CtlError } from '../api.js';
import { renderFrame, runDashboard, snapshot } from '../dashboard.js';
import { stripAnsi, switchLine } from '../format.js';
import type { Flow, SwitchEvent, Topology } from '../types.js';
import { out, printJson, uint, withCtl } from './common.js';

/** switches, watch, snapshot */
export function addLiveCommands(program: Command): void {
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
    .option('--web-url <url>', 'the controller\'s web view, shown in the title (npm start passes it)')
    .addHelpText('after', `
Redraws on every telemetry round and every switch (at most 10 times a second) on
the terminal's alternate screen; q or Ctrl-C restores the terminal. Fits 80x24:
what does not fit is cut with a note. Not on a terminal, it prints a frame a
second; with --json, JSON lines {"utilization": ...} and {"switch": ...}.

Examples:
  srv6ctl watch
  srv6ctl watch --once > frame.txt
  srv6ctl --json watch --once        # topology, flows, policy and the last switches`)
    .action((o: { once?: boolean; ascii?: boolean; webUrl?: string }, cmd: Command) => withCtl(cmd, async (ctl, g) => {
      const utf8 = /utf-?8/i.test(process.env.LC_ALL || process.env.LC_CTYPE || process.env.LANG || '');
      const unicode = !o.ascii && utf8;
      if (o.once) {
        const d = { ...(await snapshot(ctl)), web: o.webUrl };
        if (g.json) return printJson({ topology: d.topology, flows: d.flows, policy: d.policy, switches: d.switches });
        const lines = renderFrame(d, { width: g.width ?? 80, height: Infinity, color: g.color, unicode, live: false });
        return out((g.color ? lines : lines.map(stripAnsi)).join('\n'));
      }
      await runDashboard(ctl, { color: g.color, unicode, json: !!g.json, web: o.webUrl });
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
      const [{ topologySnapshot }, { writePlot }] = await Promise.all([import('../draw/topology.js'), import('../draw/png.js')]);
      const files = writePlot(dirname(resolve(o.out)), basename(o.out), topologySnapshot(topology, flows, { title: o.title, time: new Date() }));
      out(files.join('\n'));
    }));
}
