// The journal: while a batch of several steps runs, the steps that undo it wait
// in a file, encoded as the netlink requests they are, so that an agent killed
// half-way can put the router back at its next start by sending them
// (OwnedState.recoverJournal). Binary: 30,000 steps encode in tens of
// milliseconds where their JSON took a blocking 170.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { encodeOp, NlWriter, type RtnlOp } from '../netlink/index.js';

/** Steps encoded between two chances for the event loop to run. */
const SLICE = 2000;

/** Writes the undo requests, which may be produced one at a time as they are encoded; `count`: how many, to size the buffer. */
export async function writeJournal(file: string, undo: Iterable<RtnlOp>, count: number): Promise<void> {
  const w = new NlWriter(count * 160 + 64);
  let i = 0;
  for (const op of undo) {
    if (i++ && i % SLICE === 0) await yieldToLoop();
    encodeOp(w, 0, op);
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, w.buf.subarray(0, w.len));
  renameSync(`${file}.tmp`, file);
}

/** The requests a journal left behind holds, or undefined when there is none. */
export function readJournal(file: string): Buffer | undefined {
  return existsSync(file) ? readFileSync(file) : undefined;
}

export function removeJournal(file: string): void {
  rmSync(file, { force: true });
}
