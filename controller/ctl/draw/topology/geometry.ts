// Plane geometry for the snapshot: vectors, offset polylines, text angles.
import type { Point } from '../svg.js';

export const sub = (a: Point, b: Point): Point => [a[0] - b[0], a[1] - b[1]];
export const add = (a: Point, b: Point): Point => [a[0] + b[0], a[1] + b[1]];
export const mul = (a: Point, k: number): Point => [a[0] * k, a[1] * k];
export const unit = (a: Point): Point => {
  const n = Math.hypot(a[0], a[1]);
  return n === 0 ? [1, 0] : [a[0] / n, a[1] / n];
};
/** Right of the direction of travel on screen (y grows downwards): traffic keeps right. */
export const rightNormal = (u: Point): Point => [-u[1], u[0]];

/** The polyline moved sideways by d, mitred at the corners (bevelled where sharp). */
export function offsetPolyline(points: Point[], d: number): Point[] {
  if (points.length < 2) return points;
  const normals = points.slice(1).map((p, i) => rightNormal(unit(sub(p, points[i]))));
  const out: Point[] = [add(points[0], mul(normals[0], d))];
  for (let i = 1; i < points.length - 1; i++) {
    const n1 = normals[i - 1];
    const n2 = normals[i];
    const cos = 1 + n1[0] * n2[0] + n1[1] * n2[1];
    if (cos < 0.3) out.push(add(points[i], mul(n1, d)), add(points[i], mul(n2, d)));
    else out.push(add(points[i], mul(add(n1, n2), d / cos)));
  }
  out.push(add(points[points.length - 1], mul(normals[normals.length - 1], d)));
  return out;
}

/** Rotation in degrees that runs text along a→b and keeps it upright. */
export function uprightAngle(u: Point): number {
  let deg = (Math.atan2(u[1], u[0]) * 180) / Math.PI;
  if (deg > 90) deg -= 180;
  if (deg < -90) deg += 180;
  return deg;
}

export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const ab = sub(b, a);
  const len2 = ab[0] * ab[0] + ab[1] * ab[1];
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / len2));
  return Math.hypot(p[0] - a[0] - t * ab[0], p[1] - a[1] - t * ab[1]);
}
