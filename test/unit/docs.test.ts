// The documentation against the repository: relative links lead to files that
// exist, nothing sends a reader outside the repository, and CI runs the
// README's test line as it is written.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DOCS = ['README.md', 'bench/README.md', 'compose/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('documentation', () => {
  it('every relative link points to a file of the repository', () => {
    const broken: string[] = [];
    for (const doc of DOCS) {
      for (const [, target] of read(doc).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        if (!existsSync(join(ROOT, dirname(doc), target.split('#')[0]))) broken.push(`${doc}: ${target}`);
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it('sends no reader to a document outside the repository', () => {
    for (const doc of DOCS) expect(read(doc), doc).to.not.match(/DESIGN\.md|\.\.\/shared/);
  });

  it('quick start is two lines, and .ci/run runs the second, the test line, as it is written', () => {
    const block = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(read('README.md'));
    expect(block, 'the quick start\'s sh block').to.not.equal(null);
    const lines = block![1].trim().split('\n');
    expect(lines).to.have.length(2);
    expect(read('.ci/run')).to.contain(`(${lines[1]}) 2>&1`);
  });
});
