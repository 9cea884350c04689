// The journal: while a batch of several steps runs, the snapshot of what it
// touches waits in a file, so that an agent killed half-way can put the router
// back at its next start (OwnedState.recoverJournal).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Originals } from './plan.js';

export function writeJournal(file: string, { routes, rules, added }: Originals): void {
  mkdirSync(dirname(file), { recursive: true });
  // counters are read-only state (and bigints): not part of what a restore writes back
  const text = JSON.stringify({ routes: [...routes], rules: [...rules], added }, (k, v) => (k === 'counters' ? undefined : v));
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** What a journal left behind holds, or undefined when there is none. */
export function readJournal(file: string): Originals | undefined {
  if (!existsSync(file)) return undefined;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  return { routes: new Map(j.routes), rules: new Map(j.rules), added: j.added };
}

export function removeJournal(file: string): void {
  rmSync(file, { force: true });
}
