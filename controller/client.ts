// The Controller client (srv6ctl, tests, benchmarks).
import type * as grpc from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceClient } from '../proto/client.js';
import { CONTROLLER_PROTO, CONTROLLER_SERVICE } from '../proto/load.js';
import type { RouterStatus__Output as RouterStatus } from '../proto/gen/srv6/controller/v1/RouterStatus.js';
import type { SwitchEvent__Output as SwitchEvent } from '../proto/gen/srv6/controller/v1/SwitchEvent.js';

export type ControllerUnary = 'ListRouters' | 'GetTopology' | 'ListFlows' | 'ListPaths' | 'SetPath' | 'SetBackup' | 'SetPolicy' | 'GetPolicy' | 'Analyze' | 'GetCluster';

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

  /**
   * Collects switch events from now on. Resolves once the subscription is in
   * place: the controller sends the stream's response headers right after
   * subscribing it (server.ts, WatchSwitches), so every switch made after this
   * resolves is collected. Rejects when the stream fails first, or when no
   * headers come within timeoutMs (a controller that does not send them).
   */
  collectSwitches(timeoutMs = 10_000): Promise<{ events: SwitchEvent[]; stop(): void }> {
    const events: SwitchEvent[] = [];
    const s = this.stream('WatchSwitches', {});
    s.on('data', (e: SwitchEvent) => events.push(e));
    s.on('error', () => undefined); // cancel() ends the stream with CANCELLED
    return new Promise((resolve, reject) => {
      const settle = (err?: Error) => {
        clearTimeout(timer);
        s.off('metadata', subscribed);
        s.off('error', settle);
        if (!err) return resolve({ events, stop: () => s.cancel() });
        s.cancel();
        reject(err);
      };
      const subscribed = () => settle();
      const timer = setTimeout(() => settle(new Error(`WatchSwitches on ${this.address}: no response headers within ${timeoutMs} ms, so no sign the subscription is in place`)), timeoutMs);
      s.once('metadata', subscribed);
      s.once('error', settle);
    });
  }
}
