import { promqlMetricNames, promqlSelectors } from './promql';

describe('promql', () => {
  it('finds metric names and matcher labels in selectors, not functions', () => {
    const query = `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="{{args.namespace}}", service="orders"}[2m])))
      / sum(rate(http_requests_total{status_code!~"5..", route=~"/a.*"}[5m]))`;
    expect(promqlMetricNames(query)).toEqual(['http_request_duration_seconds_bucket', 'http_requests_total']);
    expect(promqlSelectors(query)[1]).toEqual({ metric: 'http_requests_total', labels: ['status_code', 'route'] });
  });

  it('returns nothing for a query without selectors', () => {
    expect(promqlMetricNames('vector(1)')).toEqual([]);
  });
});
