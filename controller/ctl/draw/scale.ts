// Axis scales with nice ticks: 1/2/5 steps on linear axes, decades on log axes.

export interface Scale {
  readonly log: boolean;
  readonly domain: [number, number];
  /** labelled ticks */
  readonly ticks: number[];
  /** unlabelled ticks (log axes: 2..9 within each decade) */
  readonly minor: number[];
  /** the position of v along the axis, 0 at domain[0] and 1 at domain[1] */
  at(v: number): number;
  label(v: number): string;
}

/** The smallest 1, 2 or 5 times a power of ten that is at least raw. */
function niceStep(raw: number): number {
  const base = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5]) if (m * base >= raw * (1 - 1e-9)) return m * base;
  return 10 * base;
}

/** Plain digits where they read well, otherwise 1e-5 / 2e+6 style. */
export function formatNumber(v: number, decimals?: number): string {
  if (v === 0) return decimals !== undefined ? (0).toFixed(decimals) : '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return decimals !== undefined ? v.toFixed(decimals) : String(Number(v.toPrecision(6)));
}

/** Bounds for a linear axis from the data's extent (NaN when there is none); an empty span gets a width. */
function linearExtent(min: number, max: number, fixedMin?: number): [number, number] {
  let lo = fixedMin ?? min;
  if (Number.isFinite(min) && min < lo) lo = min;
  if (!Number.isFinite(lo)) return [0, 1];
  const hi = Number.isFinite(max) ? Math.max(max, lo) : lo;
  if (hi > lo) return [lo, hi];
  if (lo === 0) return [0, 1];
  const pad = 10 ** Math.floor(Math.log10(Math.abs(lo)));
  if (fixedMin !== undefined) return [lo, lo + pad];
  return lo > 0 && lo - pad < 0 ? [0, lo + pad] : [lo - pad, lo + pad];
}

/**
 * A linear scale covering [min, max] with about `count` ticks. The domain is
 * widened to whole steps, except at fixedMin (which data below it still moves).
 */
export function linearScale(min: number, max: number, count: number, fixedMin?: number): Scale {
  const [dataLo, dataHi] = linearExtent(min, max, fixedMin);
  const step = niceStep((dataHi - dataLo) / Math.max(1, count));
  const lo = fixedMin !== undefined && dataLo === fixedMin ? fixedMin : Math.floor(dataLo / step + 1e-9) * step;
  const last = Math.ceil(dataHi / step - 1e-9);
  const hi = last * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k <= last; k++) ticks.push(Number((k * step).toFixed(decimals)));
  return {
    log: false, domain: [lo, hi], ticks, minor: [],
    at: (v) => (v - lo) / (hi - lo),
    label: (v) => formatNumber(v, decimals),
  };
}

/** A log10 scale from the decade below min to the decade above max (positive values only). */
export function logScale(min: number, max: number): Scale {
  const ok = Number.isFinite(min) && Number.isFinite(max) && min > 0 && max > 0;
  const loExp = ok ? Math.floor(Math.log10(min) + 1e-9) : 0;
  let hiExp = ok ? Math.ceil(Math.log10(max) - 1e-9) : 1;
  if (hiExp <= loExp) hiExp = loExp + 1;
  const decades = hiExp - loExp;
  const ticks: number[] = [];
  const minor: number[] = [];
  for (let e = loExp; e <= hiExp; e++) {
    const d = 10 ** e;
    ticks.push(Number(d.toPrecision(1)));
    if (e === hiExp) break;
    for (let m = 2; m <= 9; m++) {
      const v = Number((m * d).toPrecision(1));
      // with two decades or fewer the decades alone say too little
      (decades <= 2 && (m === 2 || m === 5) ? ticks : minor).push(v);
    }
  }
  ticks.sort((a, b) => a - b);
  const lo = 10 ** loExp;
  const hi = 10 ** hiExp;
  return {
    log: true, domain: [lo, hi], ticks, minor,
    at: (v) => (v > 0 ? (Math.log10(v) - loExp) / decades : -Infinity),
    label: (v) => formatNumber(v),
  };
}
