import { parsePromQL, promqlMetricNames, promqlSelectors } from './promql';

describe('PromQL with the official grammar', () => {
  const query = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[2m]))) / sum(rate(http_requests_total{status_code=~"5..", route!="/x"}[2m]))';

  it('lists the metrics and label matchers a query selects', () => {
    expect(promqlMetricNames(query)).toEqual(['http_request_duration_seconds_bucket', 'http_requests_total']);
    expect(promqlSelectors(query)[1]).toMatchObject({
      metric: 'http_requests_total',
      labels: ['status_code', 'route'],
      matchers: [{ label: 'status_code', op: '=~', value: '5..' }, { label: 'route', op: '!=', value: '/x' }],
    });
    expect(promqlMetricNames('vector(1)')).toEqual([]);
    expect(promqlSelectors('{__name__="up", job="a"}')[0]).toMatchObject({ metric: 'up', labels: ['job'] });
    expect(parsePromQL(query).groupings).toEqual([expect.objectContaining({ clause: 'by', labels: ['le'] })]);
  });

  it('reports syntax errors with line and column, and what Prometheus refuses beyond the grammar', () => {
    expect(parsePromQL(query).errors).toEqual([]);
    expect(parsePromQL('sum(rate(foo[5m])').errors[0]).toMatchObject({ line: 1, message: 'unexpected end of the expression' });
    expect(parsePromQL('foo{a="x}').errors[0].message).toBe('the string "x} is never closed');
    expect(parsePromQL('rate(foo)').errors[0].message).toBe('rate() needs a range vector such as foo[5m], got an instant vector');
    expect(parsePromQL('sum(foo[5m])').errors[0].message).toBe('an aggregation takes an instant vector; foo[5m] is a range vector');
    expect(parsePromQL('').errors[0].message).toBe('the expression is empty');
  });

  it('knows which labels survive to the result', () => {
    const keeps = (expr: string) => parsePromQL(expr).keepsLabel('namespace');
    expect(keeps('up == 0')).toBe(true);
    expect(keeps('sum(rate(x[5m])) > 1')).toBe(false);
    expect(keeps('sum by (namespace) (rate(x[5m])) / sum by (namespace) (rate(y[5m])) > 0.1')).toBe(true);
    expect(keeps('sum without (pod) (x)')).toBe(true);
    expect(keeps('absent(up{namespace="a"})')).toBe(true);
    expect(keeps('absent(up{namespace=~"a"})')).toBe(false);
    expect(keeps('x * on (pod) y')).toBe(false);
    expect(keeps('x * on (pod) group_left (owner) y')).toBe(true);
    expect(keeps('histogram_quantile(0.95, sum by (namespace, le) (rate(b[5m])))')).toBe(true);
    expect(keeps('label_replace(vector(1), "namespace", "a", "", "")')).toBe(true);
    expect(keeps('(a and b) or c')).toBe(true);
    expect(keeps('vector(1)')).toBe(false);
  });

  it('tells scalar queries from vectors, as Argo Rollouts binds them differently', () => {
    expect(parsePromQL('scalar(sum(x))').resultType).toBe('scalar');
    expect(parsePromQL('1 + 2').resultType).toBe('scalar');
    expect(parsePromQL('sum(x)').resultType).toBe('vector');
    expect(parsePromQL('x[5m]').resultType).toBe('matrix');
  });
});
