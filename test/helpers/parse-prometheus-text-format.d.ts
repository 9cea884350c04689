// The types of parse-prometheus-text-format (the package has none): its
// output follows prom2json's.
declare module 'parse-prometheus-text-format' {
  interface Sample {
    labels?: Record<string, string>;
    /** counter, gauge, untyped */
    value?: string;
    /** histogram: cumulative count per upper bound ("+Inf" included) */
    buckets?: Record<string, string>;
    /** summary: value per quantile */
    quantiles?: Record<string, string>;
    /** histogram and summary */
    count?: string;
    sum?: string;
  }
  interface Family {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: Sample[];
  }
  /** Parses the Prometheus text exposition format; throws on a line it cannot read. */
  export default function parsePrometheusTextFormat(text: string): Family[];
}
