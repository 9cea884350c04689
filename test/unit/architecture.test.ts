// The architecture's rules, checked by the tools that keep them: the layers
// import downward only (dependency-cruiser, .dependency-cruiser.cjs), and no
// export, file or dependency goes unused (knip, knip.json).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function npmScript(name: string): { status: number | null; output: string } {
  const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts[name] as string;
  const [bin, ...args] = script.split(' ');
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', bin), args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

describe('architecture', function () {
  this.timeout(150_000);

  it('layers import downward only (npm run lint:layers)', () => {
    const r = npmScript('lint:layers');
    expect(r.output).to.match(/no dependency violations found/);
    expect(r.status, r.output).to.equal(0);
  });

  it('no unused export, file or dependency (npm run lint:unused)', () => {
    const r = npmScript('lint:unused');
    expect(r.status, r.output).to.equal(0);
  });
});
