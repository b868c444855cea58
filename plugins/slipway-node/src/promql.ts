/**
 * Just enough PromQL reading to connect generated queries with the metrics a
 * service exports: which metric names a query selects, and which label names
 * its matchers use. It reads selectors (`name{...}`), which is how every
 * generated query names a metric.
 */

const SELECTOR = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g;
const MATCHER_LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g;

export interface PromQLSelector {
  metric: string;
  labels: string[];
}

/** Metric selectors in a query, in order, with the label names their matchers use. */
export function promqlSelectors(query: string): PromQLSelector[] {
  const selectors: PromQLSelector[] = [];
  for (const match of query.matchAll(SELECTOR)) {
    const labels = [...match[2].matchAll(MATCHER_LABEL)].map(label => label[1]);
    selectors.push({ metric: match[1], labels });
  }
  return selectors;
}

/** Distinct metric names a query selects. */
export function promqlMetricNames(query: string): string[] {
  return [...new Set(promqlSelectors(query).map(selector => selector.metric))];
}
