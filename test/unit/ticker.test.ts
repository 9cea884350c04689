// agent/ticker.ts: ticks on the wall clock's multiples of the interval, never
// before one (what a Node timer aimed at a wall-clock boundary does one time
// in five), one call per tick, none once stopped.
import { expect } from 'chai';
import { onWallClockTicks } from '../../agent/ticker.js';

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
});
