// test/run.ts: a guest's run merged into the host's. A test skipped here takes the guest's outcome,
// a failure in either run is a failure, and only what ran nowhere stays skipped.
import { expect } from 'chai';
import type { Outcome, TestResult } from '../reporter.js';
import { merge, summaryLine } from '../run.js';

const r = (title: string, outcome: Outcome, file = 'dist/test/priv/agent.test.js'): TestResult => ({ file, title, outcome });

describe('npm test: the host run and the guest run, one count', () => {
  it('a test skipped here takes the guest\'s outcome; one the guest did not run stays skipped', () => {
    const merged = merge(
      [r('a', 'skipped'), r('b', 'skipped'), r('c', 'skipped'), r('lab', 'skipped', 'dist/test/priv/lab.test.js')],
      [r('a', 'passed'), r('b', 'failed'), r('c', 'skipped')],
    );
    expect([...merged.values()].map((x) => `${x.title}:${x.outcome}`)).to.deep.equal(['a:passed', 'b:failed', 'c:skipped', 'lab:skipped']);
    expect(summaryLine(merged.values())).to.equal('1 passed, 1 failed, 2 skipped');
  });

  it('a failure in either run is a failure; a pass here is not undone by a skip there', () => {
    const merged = merge([r('x', 'passed'), r('y', 'failed'), r('z', 'passed')], [r('x', 'failed'), r('y', 'passed'), r('z', 'skipped')]);
    expect([...merged.values()].map((x) => x.outcome)).to.deep.equal(['failed', 'failed', 'passed']);
  });

  it('the same title in two files is two tests; a failed hook only the guest saw is counted', () => {
    const merged = merge([r('t', 'skipped', 'f1'), r('t', 'passed', 'f2')], [r('t', 'passed', 'f1'), r('"before all" hook for "u"', 'failed', 'f1')]);
    expect(summaryLine(merged.values())).to.equal('2 passed, 1 failed');
  });
});
