// agent/ticker.ts: ticks on the wall clock's multiples of the interval, never
// before one (what a Node timer aimed at a wall-clock boundary does one time
// in five), one call per tick, none once stopped.
import { expect } from 'chai';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { onWallClockTicks } from '../../agent/ticker.js';

/** this process's fds whose link names match (anon_inode:[timerfd], anon_inode:[eventpoll]) */
function fdsOf(kind: string): number[] {
  return readdirSync('/proc/self/fd').map(Number).filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === `anon_inode:[${kind}]`;
    } catch {
      return false; // the directory's own fd, closed by now
    }
  });
}

/** the fds registered in any of this process's epoll sets (/proc/self/fdinfo: a "tfd:" line each) */
function inEpoll(): Set<number> {
  const out = new Set<number>();
  for (const ep of fdsOf('eventpoll')) {
    for (const m of readFileSync(`/proc/self/fdinfo/${ep}`, 'utf8').matchAll(/^tfd:\s+(\d+)/gm)) out.add(Number(m[1]));
  }
  return out;
}

/** the wall clock, sub-millisecond */
const wallMs = () => performance.timeOrigin + performance.now();

describe('wall-clock ticks (agent/ticker.ts)', () => {
  it('every multiple of the interval since the epoch, at or just after it', async () => {
    const interval = 20;
    const at: number[] = [];
    await new Promise<void>((resolve) => {
      const stop = onWallClockTicks(interval, () => {
        at.push(wallMs());
        if (at.length === 25) {
          stop();
          resolve();
        }
      });
    });
    // how far past its boundary each tick came: an early one would show as nearly a whole interval
    const late = at.map((t) => t % interval).sort((a, b) => a - b);
    expect(late[late.length - 1], 'latest tick, ms past its boundary').to.be.below(interval * 0.75);
    expect(late[Math.floor(late.length / 2)], 'median, ms past the boundary').to.be.below(3);
    const boundaries = at.map((t) => Math.floor(t / interval));
    for (let i = 1; i < boundaries.length; i++) expect(boundaries[i], `tick ${i}`).to.be.greaterThan(boundaries[i - 1]);
  });

  it('stops: no call after the stop function', async () => {
    let calls = 0;
    const stop = onWallClockTicks(10, () => calls++);
    await new Promise((r) => setTimeout(r, 55));
    stop();
    stop();
    const seen = calls;
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).to.be.at.least(3);
    expect(calls).to.equal(seen);
  });

  it('stays in the event loop\'s epoll set from tick to tick (no epoll_ctl DEL and ADD per tick)', async () => {
    const before = new Set(fdsOf('timerfd'));
    const registered: boolean[] = [];
    await new Promise<void>((resolve) => {
      const stop = onWallClockTicks(10, () => {
        const mine = fdsOf('timerfd').filter((fd) => !before.has(fd));
        expect(mine, 'the ticker\'s timerfd').to.have.length(1);
        // inside the callback: a one-shot watch has been taken out of the set before it is called
        registered.push(inEpoll().has(mine[0]));
        if (registered.length === 5) {
          stop();
          resolve();
        }
      });
    });
    expect(registered).to.deep.equal([true, true, true, true, true]);
  });
});
