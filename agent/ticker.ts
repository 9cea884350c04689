// Ticks on the wall clock's multiples of an interval, from the kernel (a
// timerfd, agent/native/ticker.c, that the event loop watches): what telemetry
// streams sample on, so that every agent (on one host, or on NTP-synchronised
// hosts) measures the same windows.
import { closeSync } from 'node:fs';
import { loadAddon, whenReadable } from '../netlink/index.js';

interface Native {
  timerfd(intervalMs: number): number;
  expirations(fd: number, intervalMs: number): number;
}

let native: Native | undefined;

/**
 * Calls onTick at every multiple of intervalMs since the epoch, from the next
 * one on (never before it; a loop late by whole intervals gets one call).
 * Returns the function that stops it.
 */
export function onWallClockTicks(intervalMs: number, onTick: () => void): () => void {
  const addon = (native ??= loadAddon<Native>('agent_native.node'));
  const fd = addon.timerfd(intervalMs);
  const stopWatching = whenReadable(fd, () => {
    if (addon.expirations(fd, intervalMs) > 0) onTick();
  });
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    stopWatching();
    closeSync(fd);
  };
}
