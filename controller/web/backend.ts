// What the web view needs of the controller: controller/main.ts wires it to
// the Controller and its ControllerServer; the unit tests fake it.
import type { EventEmitter } from 'node:events';
import type { UtilizationSample__Output } from '../../proto/gen/srv6/controller/v1/UtilizationSample.js';
import type { Topology } from '../../topology/model.js';
import type { InProcessMethod } from '../server.js';
import type { SwitchEvent } from '../switcher.js';

/** What the web view needs of the controller (controller/main.ts wires it; the unit tests fake it). */
export interface WebBackend {
  /** the API's unary methods, by the same handlers as over gRPC */
  invoke(method: InProcessMethod, request?: object): Promise<unknown>;
  /** WatchUtilization's message for a round */
  utilizationSample(round: number): UtilizationSample__Output;
  /** the controller: its 'switch' (SwitchEvent) and 'round' (number) events */
  events: Pick<EventEmitter, 'on' | 'off'>;
  /** the last switches, oldest first */
  switches(): readonly SwitchEvent[];
  topology: Topology;
  intervalMs(): number;
}
