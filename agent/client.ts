// The RouterAgent client (tests, benchmarks, the controller's pool, the lab).
import type * as grpc from '@grpc/grpc-js';
import { ServiceClient } from '../proto/client.js';
import { AGENT_PROTO, AGENT_SERVICE } from '../proto/load.js';

export type AgentUnary = 'GetInfo' | 'Apply' | 'SetPath' | 'ListState' | 'Sync' | 'SetProbes' | 'GetProbes';

export class AgentClient extends ServiceClient<AgentUnary> {
  constructor(address: string, creds?: grpc.ChannelCredentials, options: grpc.ChannelOptions = {}) {
    super(AGENT_PROTO, AGENT_SERVICE, address, creds, options);
  }

  streamTelemetry(request: object): grpc.ClientReadableStream<any> {
    return this.stream('StreamTelemetry', request);
  }

  watchEvents(request: object): grpc.ClientReadableStream<any> {
    return this.stream('WatchEvents', request);
  }
}
