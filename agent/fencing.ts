// Fencing: several controllers run, one leads (elected through etcd), and each
// mutating request carries the leader's election id (the etcd revision of its
// leadership; gRIBI's election_id). The agent keeps the highest id it has seen
// and refuses a lower one, so a deposed leader that wakes up cannot overwrite
// what the new one wrote. The highest id is kept in a file, so a restarted
// agent does not take a stale leader's word again.
import { status } from '@grpc/grpc-js';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Fencing__Output } from '../proto/gen/srv6/agent/v1/Fencing.js';
import { ApiError } from './errors.js';

const MAX_UINT64 = (1n << 64n) - 1n;

export interface FencingOptions {
  /** refuse a mutating request without an id (--require-election) */
  required: boolean;
  /** where the highest id is kept across restarts; undefined: in memory only */
  file?: string;
  log: Logger;
}

/** An election id as the API gives it (a uint64: a decimal string with the loader's longs: String; a Long or a number from a caller in this process); absent = 0. */
function electionId(value: unknown): bigint {
  if (value === undefined || value === null || value === '') return 0n;
  const text = String(value);
  if (!/^\d+$/.test(text) || BigInt(text) > MAX_UINT64) throw new ApiError(status.INVALID_ARGUMENT, `election_id: ${JSON.stringify(value)} is not valid: expected a uint64 (0: no election)`);
  return BigInt(text);
}

/** The highest id a previous agent kept in `file`; 0 when there is no file. */
function readElectionFile(file: string): bigint {
  if (!existsSync(file)) return 0n;
  const text = readFileSync(file, 'utf8').trim();
  if (!/^\d+$/.test(text) || BigInt(text) > MAX_UINT64) {
    throw new Error(`${file}: ${JSON.stringify(text)} is not an election id: expected a decimal uint64 (the highest election id the agent saw); remove the file to start from 0`);
  }
  return BigInt(text);
}

/** Replaces the file at once (written beside it, then renamed): a crash leaves the old id or the new one, never a torn one. */
function writeElectionFile(file: string, id: bigint): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${id}\n`);
  renameSync(`${file}.tmp`, file);
}

export class Fencing {
  private highest: bigint;
  private refusals = 0n;

  constructor(private readonly opts: FencingOptions) {
    this.highest = opts.file ? readElectionFile(opts.file) : 0n;
    if (this.highest) opts.log.info({ election_id: String(this.highest), file: opts.file }, `election id ${this.highest} kept from before: a lower one is refused`);
  }

  /**
   * Checks a mutating request as it arrives and returns the same check, to be
   * run again when the request's turn comes in the queue of changes
   * (OwnedState, ProbeService.configure). At arrival, a newer id raises the
   * highest at once, fencing older requests from then on, and a stale request
   * is refused without waiting in the queue. At its turn, where changes are
   * applied one after the other, a request accepted at arrival but overtaken
   * while it waited (a newer id arrived behind it) is refused: nothing carrying
   * an older id is applied once a newer one was seen. A dry run is checked the
   * same way but raises nothing.
   */
  admit(value: unknown, dryRun: boolean): () => void {
    const id = electionId(value);
    const check = () => this.check(id, dryRun);
    check();
    return check;
  }

  private check(id: bigint, dryRun: boolean): void {
    if (id === 0n) {
      if (this.opts.required) throw new ApiError(status.FAILED_PRECONDITION, 'this agent requires an election id (--require-election)');
      return;
    }
    if (id < this.highest) {
      this.refusals++;
      throw new ApiError(status.FAILED_PRECONDITION, `superseded by election id ${this.highest} (this request carries ${id})`);
    }
    if (id > this.highest && !dryRun) this.raise(id);
  }

  private raise(id: bigint): void {
    const previous = this.highest;
    this.highest = id;
    this.opts.log.info({ election_id: String(id), previous: String(previous) }, `a new leader: election id ${id}`);
    if (!this.opts.file) return;
    try {
      writeElectionFile(this.opts.file, id);
    } catch (e) {
      // the fence holds while this agent runs; only a restart would forget it: serve the leader anyway
      this.opts.log.error({ err: e, file: this.opts.file, election_id: String(id) }, 'cannot keep the election id: a restarted agent would accept a lower one again');
    }
  }

  /** What GetInfo reports. */
  info(): Fencing__Output {
    return { election_id: String(this.highest), required: this.opts.required, refusals: String(this.refusals) };
  }
}
