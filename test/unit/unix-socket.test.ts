// proto/unix-socket.ts: a socket file left by a killed server is removed
// before binding; one a process serves on, or a file that is not a socket, is
// left alone with an error naming it. Real sockets in a temporary directory.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleSocket } from '../../proto/unix-socket.js';

/** the error a promise rejects with (none: the test fails) */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

const listening = (path: string) => new Promise<Server>((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(path, () => resolve(s));
});

describe('a stale unix socket before listening (proto/unix-socket.ts)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'srv6t-sock-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('removes a socket nobody serves on (its server gone without unlinking it), so binding works again', async () => {
    const path = join(dir, 'agent.sock');
    // a server killed with SIGKILL leaves its file (a clean close would unlink it)
    const server = spawn(process.execPath, ['-e', "require('node:net').createServer().listen(process.argv[1], () => console.log('up'))", path], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => { server.stdout!.once('data', () => resolve()); server.once('exit', (code) => reject(new Error(`the server exited (${code})`))); });
    } finally {
      if (server.exitCode === null && server.signalCode === null) {
        const gone = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGKILL');
        await gone;
      }
    }
    expect(existsSync(path), 'the file stays').to.equal(true);
    expect((await rejection(listening(path))).message).to.match(/EADDRINUSE/);
    await removeStaleSocket(`unix:${path}`);
    expect(existsSync(path)).to.equal(false);
    (await listening(path)).close();
  });

  it('refuses a socket a process serves on, naming it, and leaves it', async () => {
    const path = join(dir, 'agent.sock');
    const live = await listening(path);
    try {
      expect((await rejection(removeStaleSocket(`unix:${path}`))).message).to.contain(`another process serves on ${path}`);
      expect(existsSync(path)).to.equal(true);
    } finally {
      live.close();
    }
  });

  it('refuses a path that is not a socket, and leaves it', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'keep me');
    expect((await rejection(removeStaleSocket(`unix:${path}`))).message).to.contain(`${path} exists and is not a socket`);
    expect(existsSync(path)).to.equal(true);
  });

  it('does nothing for a path with nothing there or a TCP address', async () => {
    await removeStaleSocket(`unix:${join(dir, 'none.sock')}`);
    await removeStaleSocket('[::1]:50051');
  });
});
