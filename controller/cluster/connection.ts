// One etcd client per controller, shared by its leadership, membership and
// intent store. Unary calls get a deadline, so a hung etcd (stopped, or
// behind a dead link) turns into an error instead of a call that never
// returns; the client's own retries and circuit breaker are kept short,
// because the callers retry themselves and must see an etcd that is back at
// once.
import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, noop, retry } from 'cockatiel';
import { Etcd3, isRecoverableError } from 'etcd3';

export interface EtcdConnection {
  readonly client: Etcd3;
  readonly endpoints: readonly string[];
  /** the deadline of each unary call, ms */
  readonly callTimeoutMs: number;
  /**
   * Closes the client: new calls fail. Streams already open (watches, lease
   * keep-alives) go on until they end, so close the leadership and membership
   * first: they revoke their leases.
   */
  close(): void;
}

export interface ConnectOptions {
  /** deadline of each unary call, ms (1000) */
  callTimeoutMs?: number;
}

/** a longer deadline would hide a hung etcd for longer than any lease we hold */
const MAX_CALL_TIMEOUT_MS = 60_000;

function checkEndpoint(e: string): string {
  let url: URL | undefined;
  try {
    url = new URL(e);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || !url.port || (url.pathname !== '/' && url.pathname !== '')) {
    throw new Error(`etcd endpoint: "${e}" is not http://HOST:PORT or https://HOST:PORT`);
  }
  return e.replace(/\/$/, '');
}

export function connectEtcd(endpoints: string | readonly string[], opts: ConnectOptions = {}): EtcdConnection {
  const list = (typeof endpoints === 'string' ? endpoints.split(',') : [...endpoints]).map((e) => e.trim()).filter(Boolean).map(checkEndpoint);
  if (list.length === 0) throw new Error('etcd endpoints: none given; expected one or more http://HOST:PORT');
  const callTimeoutMs = opts.callTimeoutMs ?? 1000;
  if (!Number.isInteger(callTimeoutMs) || callTimeoutMs < 50 || callTimeoutMs > MAX_CALL_TIMEOUT_MS) {
    throw new Error(`callTimeoutMs: ${callTimeoutMs} is not an integer in 50..${MAX_CALL_TIMEOUT_MS}`);
  }
  const client = new Etcd3({
    hosts: list,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    faultHandling: {
      // with several endpoints a failed call is tried once on each other one
      global: list.length > 1 ? retry(handleWhen(isRecoverableError), { maxAttempts: list.length - 1 }) : noop,
      host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: 250, breaker: new ConsecutiveBreaker(3) }),
      watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }).next(),
    },
    grpcOptions: { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 1000 },
  });
  return { client, endpoints: list, callTimeoutMs, close: () => client.close() };
}

/** "etcd at URL unreachable: why", for the reasons the cluster layer gives. */
export function unreachable(conn: EtcdConnection, err: unknown): string {
  return `etcd at ${conn.endpoints.join(', ')} unreachable: ${err instanceof Error ? err.message : String(err)}`;
}
