// The agent's event loop on the kernel's real-time FIFO class
// (agent/native/realtime.c, the agent's --realtime): woken by a request, it
// runs at once instead of waiting, runnable, for another process's time slice
// to end. On two busy vCPUs that wait was the tail of back-to-back switches
// (bench/README.md, switch: "Real-time agents"). The controller stays a normal
// process: with it on the real-time class too, isolated switches got slower
// (likely the woken agent sent to the other, idle CPU; not traced).
import { constants } from 'node:os';
import { loadAddon } from '../netlink/index.js';

/** priorities a user may give: above 0 (off) and below the probe reflector's thread (agent/probe/native/probe.c) */
export const REALTIME_PRIORITY_MAX = 9;

/** what the switch benchmark runs its lab's agents with (srv6-lab up --realtime: 0 unless given) */
export const SWITCH_BENCH_REALTIME = 5;

/** the option's help text */
export const REALTIME_HELP = `run the event loop's thread at this SCHED_FIFO priority, 1..${REALTIME_PRIORITY_MAX} (needs CAP_SYS_NICE); 0: a normal thread`;

/** Parses the option's value: an integer 0..REALTIME_PRIORITY_MAX, or an error naming it. */
export function realtimePriority(value: string, name = '--realtime'): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > REALTIME_PRIORITY_MAX) throw new Error(`${name}: ${JSON.stringify(value)} is not valid: expected an integer 0..${REALTIME_PRIORITY_MAX} (0: off)`);
  return n;
}

/** Puts the calling thread (call it from the main thread: the event loop's) on SCHED_FIFO at priority; 0 does nothing. */
export function realtimeEventLoop(priority: number): void {
  if (priority === 0) return;
  try {
    loadAddon<{ realtimeThread(priority: number): void }>('agent_native.node').realtimeThread(priority);
  } catch (e) {
    const err = e as Error & { errno?: number };
    throw new Error(`--realtime ${priority}: ${err.message}${err.errno === constants.errno.EPERM ? ': needs CAP_SYS_NICE (root; in a container, cap_add SYS_NICE)' : ''}`);
  }
}
