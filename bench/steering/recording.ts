// What one run of a demand matrix records (the controller's switch events,
// utilisation and flows, the iperf3 reports, snapshots before and at the
// end), its options, and how its flows are named in files and plots.
import type { Flow, SwitchEvent, Topology as ApiTopology, UtilizationSample } from '../../controller/ctl/types.js';
import type { LiveIperfResult, LiveIperfServer } from '../tools/iperf-live.js';
import type { Optimum } from './optimum.js';

/** the first iperf3 port; one per flow of the matrix */
export const BASE_PORT = 5401;

/** what the switch events may carry once the controller counts oscillations itself */
export type Switch = SwitchEvent & { oscillations?: string | number; oscillation?: boolean };

export const arrow = (d: string) => (d === 'forward' ? 'fwd' : 'rev');
export const flowId = (f: { cls: string; dir: string }) => `${f.cls}/${f.dir}`;
export const flowName = (f: { cls: string; dir: string }) => `${f.cls} ${arrow(f.dir)}`;

export interface Options { seconds?: number; settle: number; intervalMs: number; sampleS: number }

export interface Snapshot { unixMs: number; topology: ApiTopology; flows: Flow[] }

export interface Recorded {
  seconds: number;
  loadS: number;
  opt: Optimum;
  switches: Switch[];
  utilization: UtilizationSample[];
  polls: { unixMs: number; flows: Flow[] }[];
  before: Snapshot;
  converged: Snapshot;
  clients: LiveIperfResult[];
  servers: LiveIperfServer[];
  launched: number;
}
