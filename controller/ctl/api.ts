// srv6ctl's side of the controller API: where the controller is, the calls
// with a deadline, and gRPC failures turned into messages an operator can act on.
import * as grpc from '@grpc/grpc-js';
import { existsSync } from 'node:fs';
import { channelCredentials, expectName, explainConnectFailure, tlsEnabled, type TlsFiles } from '../../proto/tls.js';
import { ControllerClient, type ControllerUnary } from '../client.js';
import type { SwitchEvent } from './types.js';

/** The controller `srv6-lab up` starts for the default lab. */
export const DEFAULT_LAB_SOCKET = '/run/srv6-lab/srv6lab/controller.sock';
const DEFAULT_TCP = '[::1]:50052';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure with the message to print and the exit code. */
export class CtlError extends Error {
  constructor(message: string, readonly exitCode = EXIT_FAILURE) {
    super(message);
  }
}

/** SRV6_CONTROLLER, else the default lab's socket when it exists, else [::1]:50052. */
export function defaultController(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): string {
  if (env.SRV6_CONTROLLER) return env.SRV6_CONTROLLER;
  return exists(DEFAULT_LAB_SOCKET) ? `unix:${DEFAULT_LAB_SOCKET}` : DEFAULT_TCP;
}

/** Accepts what grpc-js accepts, plus a bare socket path ("/run/x.sock") and a bare port ("50052"). */
export function normalizeAddress(address: string): string {
  const a = address.trim();
  if (a.startsWith('/')) return `unix:${a}`;
  if (/^\d+$/.test(a)) return `[::1]:${a}`;
  return a;
}

const isServiceError = (e: unknown): e is grpc.ServiceError => typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'number';

export class Ctl {
  readonly client: ControllerClient;

  constructor(readonly address: string, readonly timeoutMs: number, readonly tls: TlsFiles = {}) {
    try {
      this.client = new ControllerClient(address, channelCredentials(tls), tlsEnabled(tls) ? expectName('controller') : {});
    } catch (e) {
      throw new CtlError((e as Error).message, EXIT_USAGE);
    }
  }

  async call<T>(method: ControllerUnary, request: object = {}): Promise<T> {
    try {
      return await this.client.call<T>(method, request, this.timeoutMs);
    } catch (e) {
      throw this.explain(e, method);
    }
  }

  /** The message for a failed call: unreachable (where, and how to point elsewhere), bad input (the controller's words), or the status. */
  explain(e: unknown, method: string): CtlError {
    if (!isServiceError(e)) return new CtlError(`${method}: ${(e as Error).message}`);
    const details = (e.details || e.message).replace(/\.?\s*Resolution note:\s*$/, '');
    switch (e.code) {
      case grpc.status.UNAVAILABLE: {
        // reached, but dropped during or right after the TLS handshake: say what that most likely means
        const hint = explainConnectFailure(details, this.tls, 'the controller');
        if (hint) return new CtlError(`cannot talk to the controller at ${this.address}: ${hint}\n  (${details})`);
        return new CtlError(
          `cannot reach the controller at ${this.address}: ${details}\n`
          + '  Is it running? Point srv6ctl elsewhere with --controller ADDRESS or SRV6_CONTROLLER=ADDRESS\n'
          + `  (ADDRESS: host:port, [v6]:port or unix:/path; default: unix:${DEFAULT_LAB_SOCKET} when it exists, else ${DEFAULT_TCP}).`,
        );
      }
      case grpc.status.DEADLINE_EXCEEDED:
        return new CtlError(
          `the controller at ${this.address} did not answer ${method} within ${this.timeoutMs} ms (${details}).\n`
          + '  Raise --timeout, or check the address (--controller ADDRESS or SRV6_CONTROLLER=ADDRESS).',
        );
      case grpc.status.INVALID_ARGUMENT:
        return new CtlError(details, EXIT_USAGE);
      case grpc.status.UNIMPLEMENTED:
        return new CtlError(`the service at ${this.address} does not implement ${method}: is it an srv6 controller (not an agent)? ${details}`);
      default:
        return new CtlError(`${method} failed: ${grpc.status[e.code] ?? e.code}: ${details}`);
    }
  }

  /**
   * The last `replay` switches (oldest first). WatchSwitches never ends by
   * itself: the replayed ones arrive at once, so the stream is closed when
   * `replay` have come or after `quietMs` without one.
   */
  async recentSwitches(replay: number, quietMs = 300): Promise<SwitchEvent[]> {
    await this.call('GetPolicy'); // reachable? (a stream would only say so on its first message)
    if (replay <= 0) return [];
    const events: SwitchEvent[] = [];
    const stream = this.client.stream('WatchSwitches', { replay });
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout;
      const finish = (err?: unknown) => {
        clearTimeout(timer);
        stream.removeAllListeners();
        stream.on('error', () => undefined);
        stream.cancel();
        if (err) reject(err);
        else resolve(events);
      };
      const quiet = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish(), quietMs);
      };
      stream.on('data', (e: SwitchEvent) => {
        events.push(e);
        if (events.length >= replay) finish();
        else quiet();
      });
      stream.on('error', (e) => finish(this.explain(e, 'WatchSwitches')));
      stream.on('end', () => finish());
      quiet();
    });
  }

  /**
   * WatchSwitches: the last `replay` switches, then every new one. With
   * replay 0 the controller currently sends its whole history (server.ts:
   * `slice(-0)`), so switches from before the stream started are dropped here.
   */
  watchSwitches(replay: number): grpc.ClientReadableStream<SwitchEvent> {
    const started = Date.now();
    const stream = this.client.stream('WatchSwitches', { replay });
    if (replay > 0) return stream;
    const emit = stream.emit.bind(stream);
    stream.emit = ((event: string, ...args: unknown[]) => {
      if (event === 'data' && Number((args[0] as SwitchEvent).unix_ms) < started) return false;
      return emit(event, ...args);
    }) as typeof stream.emit;
    return stream;
  }

  close(): void {
    this.client.close();
  }
}
