// npm test: the whole suite here (.mocharc: unit, then privileged tests), then, on a kernel that
// refuses seg6 routes, the privileged files that need them but no lab again in a guest on Debian's
// kernel (hostsetup/vm/run.sh), and one closing line for both: "N passed, N failed[, N skipped]",
// where skipped is what ran nowhere. Arguments go to the first mocha as they are.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from './fixtures/capture.js';
import { srv6RoutesRefused } from './helpers/netns.js';
import type { Outcome, TestResult } from './reporter.js';

const ROOT = packageRoot();
const RESULTS = join(ROOT, '.test-results'); // in the checkout: the guest writes it through its share
const GUEST_MINUTES = 20;

// Not the lab's files (faults' lab suite skips under emulation): under qemu's emulation a lab's six agents
// do not come up by its deadline.
const GUEST_FILES = [
  'netlink', 'netlink-async', 'netlink-snapshot', 'agent', 'agent-batch', 'agent-compact',
  'agent-fencing', 'foreign', 'fuzz', 'faults', 'packet', 'lab-shaping',
].map((f) => `dist/test/priv/${f}.test.js`);

const key = (r: TestResult) => `${r.file}\0${r.title}`;

function readResults(file: string): TestResult[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as TestResult);
}

function mocha(args: string[], resultsFile: string, opts: { viaGuest?: boolean; timeoutMs?: number } = {}) {
  const cmd = opts.viaGuest ? ['bash', join(ROOT, 'hostsetup', 'vm', 'run.sh'), 'npx', 'mocha', ...args] : ['npx', 'mocha', ...args];
  const r = spawnSync(cmd[0], cmd.slice(1), {
    cwd: ROOT, stdio: 'inherit', timeout: opts.timeoutMs, killSignal: 'SIGTERM', // run.sh ends its qemu on TERM
    env: { ...process.env, SRV6_TEST_RESULTS: resultsFile },
  });
  return { status: r.status, timedOut: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT', results: readResults(resultsFile) };
}

/** The host's outcomes, with the guest's in place of a skip; a failure in either is a failure. */
export function merge(host: TestResult[], guest: TestResult[]): Map<string, TestResult> {
  const all = new Map(host.map((r) => [key(r), r]));
  for (const g of guest) {
    const h = all.get(key(g));
    if (!h || h.outcome === 'skipped' || g.outcome === 'failed') all.set(key(g), g);
  }
  return all;
}

export function summaryLine(results: Iterable<TestResult>): string {
  const n: Record<Outcome, number> = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) n[r.outcome]++;
  return `${n.passed} passed, ${n.failed} failed${n.skipped ? `, ${n.skipped} skipped` : ''}`;
}

function main(): number {
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
  const host = mocha(process.argv.slice(2), join(RESULTS, 'host.jsonl'));
  const runs = [host];
  let results = merge(host.results, []);

  const refused = process.getuid?.() === 0 ? srv6RoutesRefused() : '';
  const skippedHere = new Set(host.results.filter((r) => r.outcome === 'skipped').map((r) => r.file));
  const files = GUEST_FILES.filter((f) => skippedHere.has(f));
  if (refused && files.length) {
    console.log(`\n${refused}: the ${files.length} files whose tests need seg6 routes but no lab run again in a guest on Debian's kernel`);
    const guest = mocha(['--no-config', '--reporter', 'dist/test/reporter.js', '--timeout', '600000', ...files],
      join(RESULTS, 'guest.jsonl'), { viaGuest: true, timeoutMs: GUEST_MINUTES * 60_000 });
    if (guest.timedOut) console.log(`the guest's run did not end within ${GUEST_MINUTES} min: stopped`);
    runs.push(guest);
    const skippedBefore = count(results.values(), 'skipped');
    results = merge(host.results, guest.results);
    const skipped = count(results.values(), 'skipped');
    console.log(`the guest ran ${guest.results.length} tests (${summaryLine(guest.results)}): ${skippedBefore - skipped} ` +
      `of the ${skippedBefore} skipped here; the ${skipped} left ran nowhere (the lab's, and timing bounds under emulation: README, Kernel notes)`);
  }
  // a run that ended badly without a failed test (it crashed, or was stopped) is one failure more
  const crashed = runs.filter((r) => r.status !== 0 && !r.results.some((t) => t.outcome === 'failed')).length;
  const failed = count(results.values(), 'failed') + crashed;
  console.log(summaryLine(results.values()).replace(/\d+ failed/, `${failed} failed`));
  return failed ? 1 : 0;
}

const count = (rs: Iterable<TestResult>, o: Outcome) => [...rs].filter((r) => r.outcome === o).length;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
