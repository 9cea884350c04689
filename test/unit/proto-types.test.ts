// The TypeScript types of the API are generated from the .proto files
// (`npm run gen:proto`) and checked in: this fails when they are stale.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('generated API types', () => {
  it('proto/gen is what `npm run gen:proto` makes from the .proto files now', function () {
    this.timeout(60_000);
    const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['gen:proto'] as string;
    const out = mkdtempSync(join(tmpdir(), 'srv6-gen-'));
    try {
      const [bin, ...args] = script.split(' ');
      const fresh = args.map((a) => (a === 'proto/gen' ? out : a));
      execFileSync(join(ROOT, 'node_modules', '.bin', bin), fresh, { cwd: ROOT, stdio: 'pipe' });
      const checkedIn = join(ROOT, 'proto', 'gen');
      expect(files(checkedIn), 'the generated files (run npm run gen:proto)').to.deep.equal(files(out));
      for (const f of files(out)) {
        expect(readFileSync(join(checkedIn, f), 'utf8'), `proto/gen/${f} is stale: run npm run gen:proto`).to.equal(readFileSync(join(out, f), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
