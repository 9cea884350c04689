// The controller's switch path to one agent: SetPath requests over one
// long-lived SetPaths stream instead of a unary call (and its HTTP/2 stream)
// per switch. Replies are matched by id; a refused request rejects with the
// status the unary SetPath would have given. The stream is opened on first
// use and again after it broke; an agent without SetPaths gets unary calls.
//
// A switch is a single event seconds after the previous one, when none of
// this code is in the CPU's caches any more (bench/README.md, "Why an idle
// path is slow"): the stream is the channel's call itself, without the
// client's duplex stream and interceptor layers, and a request is encoded
// once (the controller passes the same object for a route every time), only
// its id in front of it per switch. That halves the cost of the write on a
// cold path (0.063-0.083 -> 0.028-0.032 ms); the request is written before
// its deadline's timer is armed. Every message carries the client's election
// id (agent/fencing.ts): a request is encoded again when that changed.
import * as grpc from '@grpc/grpc-js';
import type { ApiApplyResponse } from './api.js';
import type { AgentClient } from './client.js';
import { decodeSetPathsReply, type SetPathsReplyMessage } from './set-paths-codec.js';

/** SetPath's reply: the API's ApplyResponse. */
export type SetPathReply = ApiApplyResponse;

interface Pending {
  resolve(r: SetPathReply): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout | undefined;
}

type ChannelCall = ReturnType<grpc.ChannelInterface['createCall']>;

const SET_PATHS = '/srv6.agent.v1.RouterAgent/SetPaths';

/** SetPathsRequest's field 1 (id, a varint) in front of the rest of the request, encoded once */
function frame(id: number, rest: Buffer): Buffer {
  const head = [0x08];
  let v = id;
  while (v >= 0x80) {
    head.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  head.push(v);
  return Buffer.concat([Buffer.from(head), rest]);
}

const statusError = (code: number, details: string) =>
  Object.assign(new Error(`${code} ${grpc.status[code] ?? ''}: ${details}`), { code, details });

export class SwitchStream {
  private call?: ChannelCall;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private unaryOnly = false;
  private readonly method: grpc.MethodDefinition<object, SetPathsReplyMessage>;
  /** each request object's encoding without its id, and the election id it carries */
  private readonly encoded = new WeakMap<object, { electionId: bigint | undefined; bytes: Buffer }>();
  /** a message is on its way to the transport; the next ones wait here */
  private writing = false;
  private queued: Buffer[] = [];

  constructor(private readonly client: AgentClient) {
    this.method = (client.raw.constructor as grpc.ServiceClientConstructor).service.SetPaths as grpc.MethodDefinition<object, SetPathsReplyMessage>;
  }

  setPath(request: object, timeoutMs: number): Promise<SetPathReply> {
    if (this.unaryOnly) return this.client.call<SetPathReply>('SetPath', request, timeoutMs);
    const call = this.open();
    const n = this.nextId++;
    const id = String(n);
    const electionId = this.client.electionId;
    let rest = this.encoded.get(request);
    if (!rest || rest.electionId !== electionId) {
      rest = { electionId, bytes: this.method.requestSerialize({ request: this.client.withElectionId(request) }) };
      this.encoded.set(request, rest);
    }
    const message = frame(n, rest.bytes);
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject, timer: undefined };
      this.pending.set(id, p);
      // written first, the deadline's timer armed after: nothing between the decision and the write
      this.write(call, message);
      p.timer = setTimeout(() => {
        this.pending.delete(id);
        reject(Object.assign(new Error(`SetPath: no reply within ${timeoutMs} ms`), { code: grpc.status.DEADLINE_EXCEEDED }));
      }, timeoutMs);
    });
  }

  /** One message at a time on the call (it holds a single one until the transport took it): the others wait their turn. */
  private write(call: ChannelCall, message: Buffer): void {
    if (this.writing) {
      this.queued.push(message);
      return;
    }
    this.writing = true;
    call.sendMessageWithContext({
      callback: () => {
        this.writing = false;
        const next = this.queued.shift();
        if (next && this.call === call) this.write(call, next);
      },
    }, message);
  }

  private open(): ChannelCall {
    if (this.call) return this.call;
    this.writing = false;
    this.queued = [];
    const call = this.client.raw.getChannel().createCall(SET_PATHS, Infinity, undefined, null, null);
    const broken = (e: Error & { code?: number }) => {
      if (this.call !== call) return;
      this.call = undefined;
      if (e.code === grpc.status.UNIMPLEMENTED) this.unaryOnly = true;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(e);
        this.pending.delete(id);
      }
    };
    call.start(new grpc.Metadata(), {
      onReceiveMetadata: () => undefined,
      onReceiveMessage: (bytes: Buffer) => {
        call.startRead();
        let m: SetPathsReplyMessage;
        try {
          m = decodeSetPathsReply(bytes);
        } catch (e) {
          call.cancelWithStatus(grpc.status.INTERNAL, `SetPaths: a reply that does not decode: ${(e as Error).message}`);
          return;
        }
        const p = this.pending.get(m.id);
        if (!p) return; // timed out meanwhile
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.code === grpc.status.OK && m.result) p.resolve(m.result);
        else p.reject(Object.assign(new Error(`${grpc.status[m.code] ?? m.code}: ${m.error}`), { code: m.code, details: m.error }));
      },
      onReceiveStatus: (s: grpc.StatusObject) => {
        broken(s.code === grpc.status.OK ? statusError(grpc.status.UNAVAILABLE, 'SetPaths stream ended') : statusError(s.code, s.details));
      },
    });
    call.startRead();
    this.call = call;
    return call;
  }

  close(): void {
    const call = this.call;
    this.call = undefined;
    call?.cancelWithStatus(grpc.status.CANCELLED, 'closed');
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(Object.assign(new Error('closed'), { code: grpc.status.CANCELLED }));
    }
    this.pending.clear();
  }
}
