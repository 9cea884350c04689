// The controller's switch path to one agent: SetPath requests over one
// long-lived SetPaths stream instead of a unary call (and its HTTP/2 stream)
// per switch. Replies are matched by id; a refused request rejects with the
// status the unary SetPath would have given. The stream is opened on first
// use and again after it broke; an agent without SetPaths gets unary calls.
import * as grpc from '@grpc/grpc-js';
import type { ApiApplyResponse } from './api.js';
import type { AgentClient } from './client.js';

/** SetPath's reply: the API's ApplyResponse. */
export type SetPathReply = ApiApplyResponse;

interface Pending {
  resolve(r: SetPathReply): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class SwitchStream {
  private stream?: grpc.ClientDuplexStream<object, { id: string; result: SetPathReply | null; code: number; error: string }>;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private unaryOnly = false;

  constructor(private readonly client: AgentClient) {}

  setPath(request: object, timeoutMs: number): Promise<SetPathReply> {
    if (this.unaryOnly) return this.client.call<SetPathReply>('SetPath', request, timeoutMs);
    const s = this.open();
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(Object.assign(new Error(`SetPath: no reply within ${timeoutMs} ms`), { code: grpc.status.DEADLINE_EXCEEDED }));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      s.write({ id, request });
    });
  }

  private open() {
    if (this.stream) return this.stream;
    const s = this.client.raw.SetPaths() as NonNullable<SwitchStream['stream']>;
    s.on('data', (m) => {
      const p = this.pending.get(m.id);
      if (!p) return; // timed out meanwhile
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.code === grpc.status.OK && m.result) p.resolve(m.result);
      else p.reject(Object.assign(new Error(`${grpc.status[m.code] ?? m.code}: ${m.error}`), { code: m.code, details: m.error }));
    });
    const broken = (e: Error & { code?: number }) => {
      if (this.stream !== s) return;
      this.stream = undefined;
      if (e.code === grpc.status.UNIMPLEMENTED) this.unaryOnly = true;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(e);
        this.pending.delete(id);
      }
    };
    s.on('error', broken);
    s.on('end', () => broken(Object.assign(new Error('SetPaths stream ended'), { code: grpc.status.UNAVAILABLE })));
    this.stream = s;
    return s;
  }

  close(): void {
    const s = this.stream;
    this.stream = undefined;
    s?.cancel();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(Object.assign(new Error('closed'), { code: grpc.status.CANCELLED }));
    }
    this.pending.clear();
  }
}
