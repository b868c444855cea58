import { checkClusterDns, hostsIn } from './clusterDns';
import { add, baselineModel, edit, problemsOf, rulesOf } from './__fixtures__/repoModel';

const setEnv = (name: string, value: string) => (rollout: any) => {
  rollout.spec.template.spec.containers[0].env.push({ name, value });
};

describe('hostsIn', () => {
  it.each<[string, string, string[]]>([
    ['NATS_URL', 'nats://my-nats:4222', ['my-nats']],
    ['DATABASE_URL', 'postgresql://u:p@db.data:5432/app', ['db.data']],
    ['REDIS_HOST', 'redis.production', ['redis.production']],
    ['REDIS_HOST', 'redis:6379', ['redis']],
    ['GREETING', 'hello world', []],
    ['JDBC', 'jdbc:postgresql://orders-db-rw:5432/app', ['orders-db-rw']],
  ])('%s=%s', (key, value, hosts) => {
    expect(hostsIn(key, value)).toEqual(hosts);
  });
});

describe('cross-namespace short DNS names (seed 000)', () => {
  it('passes fully qualified names, external hosts and IPs', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => {
      setEnv('UPSTREAM_URL', 'https://api.stripe.com/v1')(r);
      setEnv('CACHE_HOST', '10.0.0.12')(r);
    });
    expect(rulesOf(checkClusterDns, model)).toEqual([]);
  });

  it('flags a bare service name that is not a Service of this set', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', setEnv('NATS_URL', 'nats://my-nats:4222'));
    const problems = problemsOf(checkClusterDns, model);
    expect(problems.map(p => p.rule)).toEqual(['dns-short-name', 'dns-short-name']);
    expect(problems[0].message).toContain('"my-nats" is a bare service name');
  });

  it('allows a bare name of a Service deployed alongside', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', setEnv('SELF_URL', 'http://orders-canary:80'));
    expect(rulesOf(checkClusterDns, model)).toEqual([]);
  });

  it('flags svc.namespace for another namespace in a ConfigMap', () => {
    const model = edit(baselineModel(), 'ConfigMap', 'orders-config', cm => { cm.data.NATS_URL = 'nats://my-nats.default:4222'; });
    expect(problemsOf(checkClusterDns, model)[0].message).toContain('write my-nats.default.svc.cluster.local');
  });

  it('flags a partial .svc name', () => {
    const model = edit(baselineModel(), 'ConfigMap', 'orders-config', cm => { cm.data.REDIS_HOST = 'redis.cache.svc'; });
    expect(rulesOf(checkClusterDns, model)).toEqual(['dns-short-name']);
  });

  it('flags a short Prometheus address in an AnalysisTemplate even if a Service has that name', () => {
    const model = edit(baselineModel(), 'AnalysisTemplate', 'orders-canary-analysis', t => {
      t.spec.metrics[0].provider.prometheus.address = 'http://prometheus:9090';
    });
    add(model, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'prometheus', labels: {} }, spec: { ports: [{ port: 9090 }] } });
    const problems = problemsOf(checkClusterDns, model);
    expect(problems[0]).toMatchObject({ rule: 'dns-short-name', object: 'AnalysisTemplate/orders-canary-analysis' });
    expect(problems[0].message).toContain('spec.metrics[0].provider.prometheus.address');
  });
});
