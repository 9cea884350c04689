// How paths are written: one key for identity (maps, comparisons), one text
// for people (logs, tables, pictures).

/** a path's identity: "r1,r2,r4,r6" */
export const pathKey = (path: readonly string[]): string => path.join(',');

/** a path for people: "r1-r2-r4-r6" ("-" when there is none) */
export const pathText = (path: readonly string[] | undefined): string => (path?.length ? path.join('-') : '-');

/** weighted paths for people: "r1-r2-r4-r6 x60 | r1-r3-r5-r6 x40" */
export const multipathText = (mp: readonly { path: readonly string[]; weight: number }[]): string => mp.map((w) => `${pathText(w.path)} x${w.weight}`).join(' | ');

/** a weighted set's identity: the paths' keys, in order */
export const multipathKey = (mp: readonly { path: readonly string[] }[]): string => mp.map((w) => pathKey(w.path)).join('|');
