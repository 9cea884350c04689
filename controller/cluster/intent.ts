// What operators set, shared by the controllers: JSON values under
// <prefix>/<key>. Only the leader writes, and every write is one etcd
// transaction conditioned on the leader's campaign key still having the create
// revision it won with: a leader deposed before it noticed writes nothing.
// Which keys and values there are is the controller's business.
import type { DeleteBuilder, Etcd3, PutBuilder, Watcher } from 'etcd3';
import { checkPrefix } from './checks.js';
import { unreachable, type EtcdConnection } from './connection.js';
import type { LeaderFence, LeadershipState } from './election.js';

/** What the store asks the leadership before each write (Leadership is one). */
export interface FenceSource {
  fence(): LeaderFence | undefined;
  state(): Pick<LeadershipState, 'role' | 'reason'>;
}

export interface IntentWatch {
  /** Stops following changes (waits at most the call timeout for etcd to confirm). */
  cancel(): Promise<void>;
}

const DEFAULT_INTENT_PREFIX = '/srv6/intent';
/** etcd takes requests up to 1.5 MiB; intent is a handful of settings */
const MAX_VALUE_BYTES = 256 * 1024;
const KEY = /^[A-Za-z0-9._:@=+-]+(\/[A-Za-z0-9._:@=+-]+)*$/;

/** Thrown when a write is refused because we do not (or no longer) lead: nothing was written. */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
}

function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length > 512 || !KEY.test(key)) {
    throw new Error(`intent key: ${JSON.stringify(key)} is not 1..512 characters of letters, digits, '._:@=+-', in '/'-separated non-empty parts`);
  }
  return key;
}

function checkValue(key: string, value: unknown): string {
  const json = value === undefined ? undefined : JSON.stringify(value);
  if (json === undefined) throw new Error(`intent ${key}: value ${String(value)} is not JSON-serialisable (use delete() to remove a key)`);
  if (json.length > MAX_VALUE_BYTES) throw new Error(`intent ${key}: value is ${json.length} bytes of JSON, expected at most ${MAX_VALUE_BYTES}`);
  return json;
}

export class IntentStore {
  readonly prefix: string;

  constructor(
    private readonly conn: EtcdConnection,
    private readonly leadership: FenceSource,
    opts: { prefix?: string } = {},
  ) {
    this.prefix = checkPrefix('prefix', opts.prefix ?? DEFAULT_INTENT_PREFIX);
  }

  /** Every key (without the prefix) and its value. */
  async load(): Promise<Map<string, unknown>> {
    let kvs;
    try {
      kvs = (await this.conn.client.getAll().prefix(`${this.prefix}/`).exec()).kvs;
    } catch (e) {
      throw new Error(`intent: cannot load ${this.prefix}/: ${unreachable(this.conn, e)}`);
    }
    const all = new Map<string, unknown>();
    for (const kv of kvs) {
      const key = kv.key.toString().slice(this.prefix.length + 1);
      all.set(key, this.parse(key, kv.value.toString()));
    }
    return all;
  }

  /** Sets `key` to `value`, only while we lead (NotLeaderError otherwise; nothing written). */
  put(key: string, value: unknown): Promise<void> {
    const json = checkValue(checkKey(key), value);
    return this.write('put', key, (c) => c.put(`${this.prefix}/${key}`).value(json));
  }

  /** Removes `key`, only while we lead (NotLeaderError otherwise; nothing written). */
  delete(key: string): Promise<void> {
    checkKey(key);
    return this.write('delete', key, (c) => c.delete().key(`${this.prefix}/${key}`));
  }

  /**
   * Calls `onChange(key, value)` for every change from now on (value
   * undefined: deleted). To follow without a gap: watch first, then load().
   * `onError` hears of a value that is not JSON, and of a watch that etcd
   * cancelled (e.g. its revision compacted while we were cut off): then changes
   * may have been missed, so load() again and watch anew. Resolves once etcd
   * has set the watch up; rejects when it does not within the call timeout.
   */
  async watch(onChange: (key: string, value: unknown) => void, onError: (err: Error) => void = () => {}): Promise<IntentWatch> {
    const w: Watcher = this.conn.client.watch().prefix(`${this.prefix}/`).watcher();
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.conn.callTimeoutMs} ms`)), this.conn.callTimeoutMs);
        w.once('connected', () => resolve());
        w.once('error', reject);
      });
    } catch (e) {
      void w.cancel().catch(() => {});
      throw new Error(`intent: cannot watch ${this.prefix}/: ${unreachable(this.conn, e)}`);
    } finally {
      clearTimeout(timer);
    }
    const keyOf = (k: Buffer) => k.toString().slice(this.prefix.length + 1);
    w.on('put', (kv) => {
      const key = keyOf(kv.key);
      let value: unknown;
      try {
        value = this.parse(key, kv.value.toString());
      } catch (e) {
        return onError(e as Error);
      }
      onChange(key, value);
    });
    w.on('delete', (kv) => onChange(keyOf(kv.key), undefined));
    w.on('error', (e) => onError(new Error(`intent: the watch on ${this.prefix}/ was cancelled (${e.message}): load() again and watch anew`)));
    // etcd confirms a cancellation; one that does not answer must not hold the caller up
    const bounded = () => new Promise<void>((resolve) => setTimeout(resolve, this.conn.callTimeoutMs).unref());
    return { cancel: () => Promise.race([w.cancel().catch(() => {}), bounded()]) };
  }

  private async write(op: 'put' | 'delete', key: string, request: (c: Etcd3) => PutBuilder | DeleteBuilder): Promise<void> {
    const fence = this.leadership.fence();
    if (!fence) {
      const { role, reason } = this.leadership.state();
      throw new NotLeaderError(`intent ${op} ${key} refused: this controller does not lead (${role}${reason ? `: ${reason}` : ''}); nothing written`);
    }
    const { client } = this.conn;
    let succeeded: boolean;
    try {
      succeeded = (await client.if(fence.key, 'Create', '==', fence.electionId.toString()).then(request(client)).commit()).succeeded;
    } catch (e) {
      throw new Error(`intent ${op} ${key}: ${unreachable(this.conn, e)}; it may or may not have been written`);
    }
    if (!succeeded) {
      throw new NotLeaderError(`intent ${op} ${key} refused by etcd: our leadership (election id ${fence.electionId}, campaign key ${fence.key}) is no longer current; nothing written`);
    }
  }

  private parse(key: string, text: string): unknown {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new Error(`intent ${key}: ${JSON.stringify(text.slice(0, 100))} is not JSON (${(e as Error).message})`);
    }
  }
}
