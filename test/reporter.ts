// Mocha's spec output, then the one closing line CI reads: "N passed, N failed[, N skipped]".
// With SRV6_TEST_RESULTS set, also every test's outcome as JSON lines in that file (test/run.ts
// merges a guest's run into the host's with them).
import Mocha from 'mocha';
import { appendFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

export type Outcome = 'passed' | 'failed' | 'skipped';
export interface TestResult { file: string; title: string; outcome: Outcome }

class SummaryReporter extends Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const out = process.env.SRV6_TEST_RESULTS;
    if (out) {
      writeFileSync(out, '');
      const record = (outcome: Outcome) => (t: Mocha.Runnable) => {
        const r: TestResult = { file: relative(process.cwd(), t.file ?? ''), title: t.fullTitle(), outcome };
        appendFileSync(out, JSON.stringify(r) + '\n');
      };
      runner.on(EVENT_TEST_PASS, record('passed'));
      runner.on(EVENT_TEST_FAIL, record('failed')); // a failed hook too: it counts as a failure
      runner.on(EVENT_TEST_PENDING, record('skipped'));
    }
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats!;
      const skipped = s.pending ? `, ${s.pending} skipped` : '';
      process.stdout.write(`${s.passes} passed, ${s.failures} failed${skipped}\n`);
    });
  }
}

export default SummaryReporter;
