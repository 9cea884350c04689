// A promise-based client for one of our services (agents, controller).
import * as grpc from '@grpc/grpc-js';
import { loadPackage } from './load.js';

/**
 * Channel options for the switch path: grpc-js's transparent retries and
 * channelz bookkeeping cost time on every call; a path switch is not retried
 * blindly anyway (the controller decides again on failure).
 */
const FAST_CHANNEL: grpc.ChannelOptions = {
  'grpc.enable_retries': 0,
  'grpc.enable_channelz': 0,
  'grpc.max_send_message_length': 64 << 20,
  'grpc.max_receive_message_length': 64 << 20,
};

const constructors = new Map<string, grpc.ServiceClientConstructor>();

function serviceConstructor(protoFile: string, service: string): grpc.ServiceClientConstructor {
  const key = `${protoFile}#${service}`;
  if (!constructors.has(key)) {
    const pkg = grpc.loadPackageDefinition(loadPackage(protoFile)) as any;
    constructors.set(key, service.split('.').reduce((o, part) => o[part], pkg));
  }
  return constructors.get(key)!;
}

export class ServiceClient<Unary extends string = string> {
  readonly raw: grpc.Client & Record<string, any>;

  constructor(protoFile: string, private readonly service: string, readonly address: string, creds = grpc.credentials.createInsecure(), options: grpc.ChannelOptions = {}) {
    const Ctor = serviceConstructor(protoFile, service);
    this.raw = new Ctor(address, creds, { ...FAST_CHANNEL, ...options }) as any;
  }

  call<T = any>(method: Unary, request: object, deadlineMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      this.raw[method](request, { deadline: Date.now() + deadlineMs }, (err: grpc.ServiceError | null, res: T) => (err ? reject(err) : resolve(res)));
    });
  }

  /** A unary call whose request is encoded already and whose response decode reads: a codec written by hand. */
  callEncoded<T>(method: Unary, request: Buffer, decode: (bytes: Buffer) => T, deadlineMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      this.raw.makeUnaryRequest(`/${this.service}/${method}`, (b: Buffer) => b, decode, request, { deadline: Date.now() + deadlineMs },
        (err: grpc.ServiceError | null, res?: T) => (err ? reject(err) : resolve(res!)));
    });
  }

  stream(method: string, request: object): grpc.ClientReadableStream<any> {
    return this.raw[method](request);
  }

  waitForReady(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => this.raw.waitForReady(Date.now() + timeoutMs, (err?: Error) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.raw.close();
  }
}
