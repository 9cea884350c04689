// A promise-based RouterAgent client (tests, benchmarks, the controller's pool).
import * as grpc from '@grpc/grpc-js';
import { AGENT_PROTO, loadPackage } from '../proto/load.js';

let ctor: grpc.ServiceClientConstructor | undefined;

/**
 * Channel options for the switch path: grpc-js's transparent retries and
 * channelz bookkeeping cost about 0.3 ms per call here; a path switch is not
 * retried blindly anyway (the controller decides again on failure).
 */
export const FAST_CHANNEL: grpc.ChannelOptions = {
  'grpc.enable_retries': 0,
  'grpc.enable_channelz': 0,
  'grpc.max_send_message_length': 64 << 20,
  'grpc.max_receive_message_length': 64 << 20,
};

export function agentClientConstructor(): grpc.ServiceClientConstructor {
  ctor ??= (grpc.loadPackageDefinition(loadPackage(AGENT_PROTO)) as any).srv6.agent.v1.RouterAgent;
  return ctor!;
}

export type UnaryMethod = 'GetInfo' | 'Apply' | 'SetPath' | 'ListState' | 'Sync';

export class AgentClient {
  readonly raw: grpc.Client & Record<string, any>;

  constructor(readonly address: string, creds = grpc.credentials.createInsecure(), options: grpc.ChannelOptions = {}) {
    const Ctor = agentClientConstructor();
    this.raw = new Ctor(address, creds, { ...FAST_CHANNEL, ...options }) as any;
  }

  call<T = any>(method: UnaryMethod, request: object, deadlineMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      this.raw[method](request, { deadline: Date.now() + deadlineMs }, (err: grpc.ServiceError | null, res: T) => (err ? reject(err) : resolve(res)));
    });
  }

  waitForReady(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => this.raw.waitForReady(Date.now() + timeoutMs, (err?: Error) => (err ? reject(err) : resolve())));
  }

  streamTelemetry(request: object): grpc.ClientReadableStream<any> {
    return this.raw.StreamTelemetry(request);
  }

  watchEvents(request: object): grpc.ClientReadableStream<any> {
    return this.raw.WatchEvents(request);
  }

  close(): void {
    this.raw.close();
  }
}
