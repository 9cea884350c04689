// The RouterAgent client (tests, benchmarks, the controller's pool, the lab).
import type * as grpc from '@grpc/grpc-js';
import { ServiceClient } from '../proto/client.js';
import type { ApplyRequest } from '../proto/gen/srv6/agent/v1/ApplyRequest.js';
import { AGENT_PROTO, AGENT_SERVICE } from '../proto/load.js';
import { decodeApplyResponse, encodeApplyRequest } from './apply-codec.js';

export type AgentUnary = 'GetInfo' | 'Apply' | 'SetPath' | 'ListState' | 'Sync' | 'SetProbes' | 'GetProbes';

/** The calls that change the router: each carries the election id (agent/fencing.ts). */
const MUTATING = new Set<AgentUnary>(['Apply', 'SetPath', 'Sync', 'SetProbes']);
const MAX_UINT64 = (1n << 64n) - 1n;
/** An Apply of this many ops or more goes with its routes in compact form (agent/apply-codec.ts). */
export const COMPACT_FROM_OPS = 100;

export class AgentClient extends ServiceClient<AgentUnary> {
  private election?: bigint;

  constructor(address: string, creds?: grpc.ChannelCredentials, options: grpc.ChannelOptions = {}) {
    super(AGENT_PROTO, AGENT_SERVICE, address, creds, options);
  }

  /**
   * The election id every mutating request carries (Apply, SetPath, Sync,
   * SetProbes, and each SetPaths message of a SwitchStream on this client):
   * the etcd revision of the controller's leadership. undefined: none (a
   * single controller). A request that sets its own (non-zero) election_id
   * keeps it.
   */
  get electionId(): bigint | undefined {
    return this.election;
  }

  set electionId(id: bigint | undefined) {
    if (id !== undefined && (id < 0n || id > MAX_UINT64)) throw new RangeError(`electionId: ${id} is not valid: expected a uint64 (0 .. ${MAX_UINT64}) or undefined`);
    this.election = id;
  }

  /** The request as sent: with this client's election id unless it has one of its own. */
  withElectionId<T extends object>(request: T): T {
    const own = (request as { election_id?: unknown }).election_id;
    if (this.election === undefined || (own !== undefined && own !== null && own !== '' && String(own) !== '0')) return request;
    return { ...request, election_id: String(this.election) };
  }

  override call<T = any>(method: AgentUnary, request: object, deadlineMs?: number): Promise<T> {
    const req = MUTATING.has(method) ? this.withElectionId(request) : request;
    const ops = (req as ApplyRequest).ops;
    if (method === 'Apply' && Array.isArray(ops) && ops.length >= COMPACT_FROM_OPS) {
      let bytes: Buffer;
      try {
        bytes = encodeApplyRequest(req as ApplyRequest);
      } catch (e) {
        return Promise.reject(e);
      }
      return this.callEncoded('Apply', bytes, decodeApplyResponse as (b: Buffer) => T, deadlineMs);
    }
    return super.call<T>(method, req, deadlineMs);
  }

  streamTelemetry(request: object): grpc.ClientReadableStream<any> {
    return this.stream('StreamTelemetry', request);
  }

  watchEvents(request: object): grpc.ClientReadableStream<any> {
    return this.stream('WatchEvents', request);
  }
}
