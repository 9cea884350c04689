// The snapshot's colours and value formats: ink, down links, the classes'
// colours, and the green-yellow-red ramp of utilisation.
import { formatNumber } from '../scale.js';

export const INK = '#222222';
export const DOWN = '#9a9a9a';
/** Class colours: colour-blind safe and clear of the green-yellow-red of utilisation. */
export const CLASS_COLOURS = ['#0072B2', '#AA4499', '#222222', '#56B4E9', '#882255', '#44AA99', '#332288', '#999933'];
export const REVERSE_DASH = '7 4';

export const RAMP: [number, [number, number, number]][] = [
  [0, [26, 152, 80]], [0.25, [145, 207, 96]], [0.5, [240, 200, 30]], [0.75, [244, 109, 67]], [1, [215, 48, 39]],
];

/** Green (idle) through yellow to red (full); above 1 stays red. */
export function utilizationColour(u: number): string {
  const t = Number.isFinite(u) ? Math.max(0, Math.min(1, u)) : 0;
  let k = 1;
  while (k < RAMP.length - 1 && RAMP[k][0] < t) k++;
  const [t0, c0] = RAMP[k - 1];
  const [t1, c1] = RAMP[k];
  const f = (t - t0) / (t1 - t0);
  return '#' + c0.map((v, i) => Math.round(v + (c1[i] - v) * f).toString(16).padStart(2, '0')).join('');
}

export const mbps = (v: number) => (Number.isFinite(v) ? `${formatNumber(Number(v.toFixed(1)))} Mbit/s` : 'n/a');
export const percent = (u: number) => (Number.isFinite(u) ? `${Math.round(u * 100)}%` : 'n/a');
