// Fitting the dashboard's sections (a title and rows each) into the
// terminal's height.

/** A section: its title line and rows; `more` says what a cut hides. */
export interface Section {
  title: string;
  rows: string[];
  /** rows it gets before any other section gets more than its minimum */
  min: number;
  /** when cut, the rows to keep first (higher first; default: the first ones) */
  importance?: number[];
  more: (hidden: number[]) => string;
}

/**
 * Fills the height: every section first gets its minimum (in order), then what
 * it needs (in order); a cut section keeps its most important rows (in their
 * order) and says what it hides; spare lines separate the sections.
 */
export function layout(title: string, sections: Section[], footer: string, height: number, dim: (s: string) => string): string[] {
  if (!Number.isFinite(height)) {
    const out = [title];
    for (const s of sections) out.push('', s.title, ...s.rows);
    return [...out, '', footer];
  }
  let avail = Math.max(0, height - 2);
  const lines = sections.map(() => 0);
  for (const pass of ['min', 'need'] as const) {
    sections.forEach((s, i) => {
      const want = Math.min(1 + s.rows.length, pass === 'min' ? 1 + s.min : Infinity);
      const more = Math.max(0, Math.min(avail, want - lines[i]));
      lines[i] += more;
      avail -= more;
    });
  }
  const parts = sections.map((s, i) => {
    const n = lines[i];
    if (n === 0) return [];
    if (n >= 1 + s.rows.length) return [s.title, ...s.rows];
    const keep = n === 2 ? 1 : Math.max(0, n - 2); // two lines: the title and one row, no note
    const order = s.rows.map((_, j) => j);
    const rank = s.importance ? [...order].sort((a, b) => s.importance![b] - s.importance![a] || a - b) : order;
    const kept = new Set(rank.slice(0, keep));
    const part = [s.title, ...s.rows.filter((_, j) => kept.has(j))];
    if (n >= 3) part.push(dim(s.more(order.filter((j) => !kept.has(j)))));
    return part;
  });
  const out = [title];
  parts.forEach((p, i) => {
    if (!p.length) return;
    if (avail > 0 && i > 0) {
      out.push('');
      avail--;
    }
    out.push(...p);
  });
  if (height >= 2) out.push(footer);
  return out.slice(0, height);
}
