// The Controller client (srv6ctl, tests, benchmarks).
import type * as grpc from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceClient } from '../proto/client.js';
import { CONTROLLER_PROTO, CONTROLLER_SERVICE } from '../proto/load.js';
import type { RouterStatus, SwitchEvent } from './ctl/types.js';

export type ControllerUnary = 'ListRouters' | 'GetTopology' | 'ListFlows' | 'ListPaths' | 'SetPath' | 'SetPolicy' | 'GetPolicy' | 'Analyze';

export class ControllerClient extends ServiceClient<ControllerUnary> {
  constructor(address: string, creds?: grpc.ChannelCredentials, options: grpc.ChannelOptions = {}) {
    super(CONTROLLER_PROTO, CONTROLLER_SERVICE, address, creds, options);
  }

  /** Until every agent is connected and its last telemetry sample is younger than maxAgeMs; throws naming the others. */
  async waitStreaming(maxAgeMs: number, timeoutMs: number): Promise<void> {
    const fresh = (r: RouterStatus) => r.state === 'connected' && Number(r.telemetry_age_ms) >= 0 && Number(r.telemetry_age_ms) < maxAgeMs;
    for (const deadline = Date.now() + timeoutMs; ;) {
      const { routers } = await this.call<{ routers: RouterStatus[] }>('ListRouters', {});
      if (routers.every(fresh)) return;
      if (Date.now() > deadline) {
        throw new Error(`controller not connected to every agent with fresh telemetry: ${routers.filter((r) => !fresh(r)).map((r) => `${r.name} ${r.state}, telemetry age ${r.telemetry_age_ms} ms`).join('; ')}`);
      }
      await sleep(100);
    }
  }

  /** Collects switch events from now on (resolves once the subscription is in place). */
  async collectSwitches(): Promise<{ events: SwitchEvent[]; stop(): void }> {
    const events: SwitchEvent[] = [];
    const s = this.stream('WatchSwitches', {});
    s.on('data', (e: SwitchEvent) => events.push(e));
    s.on('error', () => undefined);
    await sleep(300);
    return { events, stop: () => s.cancel() };
  }
}
