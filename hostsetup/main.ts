#!/usr/bin/env node
// srv6-hostsetup: the host side of the real deployment (macvlan children on the
// physical NICs, sysctls, routes), idempotent, all through rtnetlink.
import { Command } from 'commander';
import { loadTopology } from '../topology/load.js';
import { checkNeighbours, down, HostSetupError, inspect, up, type Item } from './host.js';

interface Opts { topology?: string; upfNic?: string; serverNic?: string; netns?: string; json?: boolean }

const program = new Command()
  .name('srv6-hostsetup')
  .description('Prepare the host that owns the physical NICs: macvlan children for the host, forwarding/seg6 sysctls, routes to the external networks')
  .option('-t, --topology <file>', 'topology file or bundled name (reference, grid4x4)', 'reference')
  .option('--upf-nic <name>', 'physical NIC wired to the UPF (overrides externals.upf.nic)')
  .option('--server-nic <name>', 'physical NIC wired to the server (overrides externals.server.nic)')
  .option('--netns <name>', 'work inside this network namespace (the lab uses it for its emulated host)')
  .option('--json', 'machine-readable output')
  .addHelpText('after', `
Commands print one line per item: "ok" (already so), "change" (what up does), "error" (what blocks it, and the fix).
Exit status: 0 done / nothing to do, 1 problems found (status), 2 errors that block the change.`);

const marks: Record<Item['kind'], string> = { ok: 'ok     ', change: 'change ', error: 'error  ' };

function externalsOf(o: Opts) {
  const t = loadTopology(o.topology, { upfNic: o.upfNic, serverNic: o.serverNic });
  return { t, externals: [t.externals.upf, t.externals.server] };
}

function print(items: Item[], o: Opts): void {
  if (o.json) return void console.log(JSON.stringify(items.map(({ kind, what, detail }) => ({ kind, what, detail })), null, 2));
  for (const i of items) console.log(`  ${marks[i.kind]} ${i.what}${i.detail ? `: ${i.detail}` : ''}`);
}

function requireRoot(): void {
  if (process.geteuid?.() !== 0) {
    console.error('srv6-hostsetup: must run as root (it changes links, addresses, routes and sysctls)');
    process.exit(2);
  }
}

function run(fn: (o: Opts) => number) {
  return () => {
    const o = program.opts<Opts>();
    try {
      process.exitCode = fn(o);
    } catch (e) {
      if (e instanceof HostSetupError) {
        console.error(`srv6-hostsetup: nothing was changed:\n${e.errors.map((i) => `  error   ${i.what}: ${i.detail}`).join('\n')}`);
        process.exitCode = 2;
      } else {
        console.error(`srv6-hostsetup: ${(e as Error).message}`);
        process.exitCode = 2;
      }
    }
  };
}

program.command('plan').description('print the exact changes `up` would make; change nothing').action(run((o) => {
  const { t, externals } = externalsOf(o);
  const items = inspect(externals, { netns: o.netns });
  if (!o.json) console.log(`srv6-hostsetup plan (topology ${t.name}: ${t.file})`);
  print(items, o);
  const changes = items.filter((i) => i.kind === 'change').length;
  const errors = items.filter((i) => i.kind === 'error').length;
  if (!o.json) console.log(errors ? `${errors} error(s) block the setup` : changes ? `${changes} change(s); \`srv6-hostsetup up\` makes them` : 'nothing to do');
  return errors ? 2 : 0;
}));

program.command('up').description('make the host match the topology (idempotent)').action(run((o) => {
  requireRoot();
  const { externals } = externalsOf(o);
  const res = up(externals, { netns: o.netns });
  if (o.json) console.log(JSON.stringify({ changed: res.changed }, null, 2));
  else console.log(res.changed.length ? res.changed.map((c) => `  done    ${c}`).join('\n') : 'nothing to do: the host already matches the topology');
  return 0;
}));

program.command('down').description('remove what `up` made (and nothing else)').action(run((o) => {
  requireRoot();
  const removed = down({ netns: o.netns });
  if (o.json) console.log(JSON.stringify({ removed }, null, 2));
  else console.log(removed.length ? removed.map((r) => `  removed ${r}`).join('\n') : 'nothing to remove');
  return 0;
}));

program.command('status').description('verify every item and the routers\' neighbour entries; say what is wrong and how to fix it').action(run((o) => {
  const { externals } = externalsOf(o);
  const items = inspect(externals, { netns: o.netns }).map((i) => (i.kind === 'change' ? { ...i, kind: 'error' as const, detail: `not set up (${i.detail}): run srv6-hostsetup up` } : i));
  const neigh = checkNeighbours(externals, { netns: o.netns });
  if (o.json) {
    console.log(JSON.stringify({ items: items.map(({ kind, what, detail }) => ({ kind, what, detail })), neighbours: neigh }, null, 2));
  } else {
    print(items, o);
    for (const n of neigh) console.log(`  ${n.ok ? 'ok     ' : 'error  '} neighbour ${n.what}${n.detail ? `: ${n.detail}` : ''}`);
  }
  return items.some((i) => i.kind === 'error') || neigh.some((n) => !n.ok) ? 1 : 0;
}));

program.parse();
