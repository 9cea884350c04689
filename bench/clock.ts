// The host's two clocks side by side: the controller and the agents time on the
// monotonic clock, outside readers (ip monitor, traffic senders) on the wall clock.

/**
 * The wall clock minus the host's monotonic clock (process.hrtime), ms, taken
 * at the edge of a Date.now() millisecond: the edge lies between the monotonic
 * time before the last call that returned the old millisecond and the time
 * after the first that returned the new one. Of five such readings, the one
 * with the narrowest bracket (a thread preempted at the edge widens it), so
 * it is good to a few microseconds. Take it again before each use: an NTP
 * slew moves one clock against the other.
 */
export function wallMinusMonotonicMs(): number {
  let best = { width: Infinity, offset: 0 };
  for (let k = 0; k < 5; k++) {
    const start = Date.now();
    let before = process.hrtime.bigint();
    let after = before;
    for (;;) {
      const a = process.hrtime.bigint();
      const now = Date.now();
      after = process.hrtime.bigint();
      if (now !== start) {
        const width = Number(after - before) / 1e6;
        if (width < best.width) best = { width, offset: now - (Number(before) + Number(after)) / 2e6 };
        break;
      }
      before = a;
    }
  }
  return best.offset;
}
