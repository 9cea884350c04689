// The outside reader's line format (`ip -ts -6 monitor route` with TZ=UTC) and
// the wall clock it stamps with, against the monotonic one of our events.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { wallMinusMonotonicMs } from '../../bench/clock.js';
import { parseStamped, subscribed } from '../../bench/tools/route-monitor.js';

describe('bench: ip monitor route, read with its own timestamps', () => {
  it('takes the microsecond timestamp and the route from a line ip printed', () => {
    const l = parseStamped('[2026-12-03T11:28:21.779348] 2001:db8::/64  encap seg6 mode encap segs 1 [ fc00::1 ] dev lo metric 1024 pref medium');
    expect(l!.unixMs).to.be.closeTo(Date.UTC(2026, 11, 3, 11, 28, 21) + 779.348, 1e-6);
    expect(l!.line).to.equal('2001:db8::/64  encap seg6 mode encap segs 1 [ fc00::1 ] dev lo metric 1024 pref medium');
  });

  it('skips a line without a timestamp', () => {
    expect(parseStamped('2001:db8::/64 dev lo metric 1024')).to.equal(undefined);
  });

  it('puts the monotonic clock on the wall clock to a tenth of a millisecond', () => {
    const a = wallMinusMonotonicMs();
    const b = wallMinusMonotonicMs();
    expect(Math.abs(a - b)).to.be.below(0.1);
    expect(Math.abs(Number(process.hrtime.bigint()) / 1e6 + a - Date.now())).to.be.below(2);
  });

  it('knows when ip has joined the route group: a socket of its in /proc/PID/net/netlink with a group', async () => {
    const ip = spawn('ip', ['-6', 'monitor', 'route'], { stdio: 'ignore' });
    // a process with no netlink socket: never
    const other = spawn('sleep', ['5'], { stdio: 'ignore' });
    try {
      let polls = 0;
      while (!subscribed(ip.pid!)) {
        expect(++polls, 'polls of 10 ms before ip subscribed').to.be.below(300);
        await sleep(10);
      }
      expect(subscribed(other.pid!)).to.equal(false);
    } finally {
      ip.kill();
      other.kill();
    }
    await sleep(50);
    expect(subscribed(ip.pid!), 'after ip exited').to.equal(false);
  });
});
