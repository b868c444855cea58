import { promises as fs } from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { parser } from '@prometheus-io/lezer-promql';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { renderGoldenPath } from '@slipway/render';
import { objectSets } from './kube';
import { loadRepoModel, renderedFilesToMap } from './load';
import { parsePromQL, promqlMetricNames, promqlSelectors, promqlShape, promqlTree } from './promql';
import { prometheusQueries } from './rules/prometheus-queries';

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

/** Every PromQL query the golden paths' examples render (analysis metrics and alert rules). */
async function renderedQueries(): Promise<string[]> {
  const queries = new Set<string>();
  for (const goldenPath of createGoldenPathRegistry().list()) {
    const examples = path.join(goldenPath.dir, 'examples');
    for (const name of (await fs.readdir(examples)).filter(file => file.endsWith('.yaml'))) {
      const resolved = goldenPath.resolve(parse(await fs.readFile(path.join(examples, name), 'utf8')));
      if (!resolved.ok) throw new Error(`${goldenPath.id} ${name} does not resolve`);
      const { model } = loadRepoModel(renderedFilesToMap(await renderGoldenPath(goldenPath, resolved.spec)));
      for (const set of objectSets(model)) for (const query of prometheusQueries(set)) queries.add(query.query);
    }
  }
  return [...queries];
}

/** Each node of a tree: its name and offsets, in order. */
function nodesOf(tree: ReturnType<typeof parser.parse>): string[] {
  const out: string[] = [];
  tree.iterate({ enter: node => void out.push(`${node.name}@${node.from}-${node.to}`) });
  return out;
}

/** The query with each string literal's content changed, its length kept: the same shape. */
function otherValues(query: string): string {
  return query.replace(/"([^"\\\n]*)"/g, (_, content: string) => `"${[...content].reverse().join('').replace(/[a-m]/g, 'z')}"`);
}

describe('PromQL trees shared by queries of one shape', () => {
  it('gives every rendered query, with other label values and with random edits, the tree the grammar gives it', async () => {
    const queries = await renderedQueries();
    expect(queries.length).toBeGreaterThan(10);
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    let shared = 0;
    for (const query of queries) {
      const edited = Array.from({ length: 5 }, () => {
        const at = Math.floor(random() * query.length);
        return random() < 0.5 ? query.slice(0, at) + query.slice(at + 1) : `${query.slice(0, at)}${'"({,=~ '[Math.floor(random() * 7)]}${query.slice(at)}`;
      });
      for (const original of [query, ...edited]) {
        promqlTree(original);
        const variant = otherValues(original);
        if (variant !== original && promqlShape(variant) !== undefined && promqlShape(variant) === promqlShape(original)) shared++;
        expect({ variant, nodes: nodesOf(promqlTree(variant)) }).toEqual({ variant, nodes: nodesOf(parser.parse(variant)) });
      }
    }
    expect(shared).toBeGreaterThan(queries.length);
  });

  it('reads each query\'s own label values from the shared tree', () => {
    const first = parsePromQL('sum(rate(http_requests_total{service="orders", code=~"5.."}[2m]))');
    const second = parsePromQL('sum(rate(http_requests_total{service="ledger", code=~"4.."}[2m]))');
    expect(promqlShape(first.query)).toBe(promqlShape(second.query));
    expect(second.selectors[0].matchers).toEqual([
      { label: 'service', op: '=', value: 'ledger' },
      { label: 'code', op: '=~', value: '4..' },
    ]);
    expect(first.selectors[0].matchers[0].value).toBe('orders');
  });

  it('gives no shape where a literal could tokenize otherwise', () => {
    for (const query of ['foo{a="x\\"y"}', 'foo # "comment', 'foo{a=`raw`}', 'foo{a="open}', 'foo{a="x\ny"}']) {
      expect({ query, shape: promqlShape(query) }).toEqual({ query, shape: undefined });
    }
    expect(promqlShape('foo{a="bc", d=\'e"f\'}')).toBe('foo{a="xx", d=\'xxx\'}');
  });
});
