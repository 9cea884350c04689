// The Controller client (srv6ctl, tests, benchmarks).
import type * as grpc from '@grpc/grpc-js';
import { ServiceClient } from '../proto/client.js';
import { CONTROLLER_PROTO, CONTROLLER_SERVICE } from '../proto/load.js';

export type ControllerUnary = 'ListRouters' | 'GetTopology' | 'ListFlows' | 'ListPaths' | 'SetPath' | 'SetPolicy' | 'GetPolicy' | 'Analyze';

export class ControllerClient extends ServiceClient<ControllerUnary> {
  constructor(address: string, creds?: grpc.ChannelCredentials, options: grpc.ChannelOptions = {}) {
    super(CONTROLLER_PROTO, CONTROLLER_SERVICE, address, creds, options);
  }
}
