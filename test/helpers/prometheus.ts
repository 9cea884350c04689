// The Prometheus text format read by a real parser (parse-prometheus-text-format,
// prom2json's output), for the tests that scrape the controller's /metrics.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export type MetricFamily = ReturnType<typeof parsePrometheusTextFormat>[number];
type MetricSample = MetricFamily['metrics'][number];

/** The metric families of a scrape by name; a name given twice is an error, as it is to Prometheus. */
export function parseMetrics(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  for (const f of parsePrometheusTextFormat(text)) {
    if (families.has(f.name)) throw new Error(`metric family ${f.name} given twice`);
    families.set(f.name, f);
  }
  return families;
}

/** The sample of a family whose labels include `labels` (undefined: none). */
export function sample(family: MetricFamily | undefined, labels: Record<string, string> = {}): MetricSample | undefined {
  return family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}
