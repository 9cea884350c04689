// hostsetup/vm/run.sh: a command run on a kernel that does SRv6, here when this machine's kernel does,
// else in a guest on Debian's kernel that shares this checkout. Checked from outside the guest: the
// command's own output, its exit status, and a file it wrote into the checkout.
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../fixtures/capture.js';
import { requireRoot, srv6RoutesRefused } from '../helpers/netns.js';

const ROOT = packageRoot();
const RUN = join(ROOT, 'hostsetup', 'vm', 'run.sh');

describe('hostsetup/vm/run.sh (privileged)', function () {
  this.timeout(600_000);
  let child: ChildProcess | undefined;
  const marker = join(ROOT, `.vm-test-${process.pid}`);

  before(function () {
    requireRoot(this);
  });

  after(() => {
    child?.kill('SIGTERM'); // run.sh ends its qemu on TERM
    rmSync(marker, { force: true });
  });

  it('runs the command on a kernel that does SRv6 (in a guest only when this one does not), with its status, writing into the checkout', async () => {
    const hereDoesSrv6 = !srv6RoutesRefused();
    const script = `bash hostsetup/vm/kernel-srv6.sh && echo "kernel $(uname -r) srv6 yes" && uname -r > ${marker}; exit 7`;
    child = spawn('bash', [RUN, 'bash', '-c', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    child.stderr!.on('data', (d) => { out += d; });
    const status = await new Promise<number | null>((resolve) => child!.on('exit', resolve));
    child = undefined;

    expect(status, out).to.equal(7);
    const ran = /kernel (\S+) srv6 yes/.exec(out);
    expect(ran, out).to.not.equal(null);
    expect(existsSync(marker), 'the file the command wrote into the checkout').to.equal(true);
    expect(readFileSync(marker, 'utf8').trim()).to.equal(ran![1]);
    const here = spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim();
    if (hereDoesSrv6) expect(ran![1], 'run here').to.equal(here);
    else expect(ran![1], 'run in the guest, on another kernel').to.not.equal(here);
  });
});
