/**
 * The node-worker golden path's deploy side, checked where it can go wrong: each example's
 * rendered repo is whole and consistent (the KEDA ScaledObject scales the Rollout the overlay
 * builds, its trigger reads the queue the worker consumes with the worker's own credentials, the
 * Argo CD Application leaves KEDA's replicas alone), and the validator reports each failure a
 * worker repo is known for when it is reintroduced into that real repo.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { renderGoldenPath, type RenderedFile } from '@slipway/render';
import { validateRenderedFiles } from '@slipway/validate';
import { builtInGoldenPath, createGoldenPathRegistry, nodeWorkerGoldenPath } from '@slipway/skeletons';
import { requireShippedKustomize } from '../plugins/slipway-validate/src/kustomize';

const goldenPath = builtInGoldenPath('node-worker');
const registry = createGoldenPathRegistry();

async function render(example: string): Promise<RenderedFile[]> {
  const resolved = goldenPath.resolve(parse(await fs.readFile(path.join(goldenPath.dir, 'examples', `${example}.yaml`), 'utf8')));
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
  return renderGoldenPath(goldenPath, resolved.spec);
}

function edit(files: RenderedFile[], file: string, from: string | RegExp, to: string): RenderedFile[] {
  return files.map(entry => {
    if (entry.path !== file) return entry;
    const content = entry.content.replace(from, to);
    if (content === entry.content) throw new Error(`${String(from)} not in ${file}`);
    return { ...entry, content };
  });
}

function add(files: RenderedFile[], file: string, content: string, kustomization: string): RenderedFile[] {
  const name = path.basename(file);
  return [...edit(files, kustomization, 'resources:\n', `resources:\n  - ${name}\n`), { path: file, content, executable: false }];
}

async function rules(files: RenderedFile[]): Promise<string[]> {
  const report = await validateRenderedFiles(files, { goldenPaths: registry, kustomize: await requireShippedKustomize() });
  return [...new Set(report.problems.map(problem => problem.rule))].sort();
}

/** The objects of one built-in's file, parsed. */
function objects(files: RenderedFile[], file: string): any[] {
  const entry = files.find(candidate => candidate.path === file);
  if (!entry) throw new Error(`no ${file}`);
  return parseAllDocuments(entry.content).map(document => document.toJS()).filter(Boolean);
}

describe('the node-worker spec', () => {
  const base = { name: 'orders-worker', owner: 'group:default/team-a', description: 'Books orders.' };
  const issues = (values: Record<string, unknown>) => {
    const resolved = goldenPath.resolve({ ...base, ...values });
    return resolved.ok ? [] : resolved.issues.map(issue => `${issue.path}: ${issue.message}`);
  };

  it('resolves defaults by tier: KEDA may scale to zero before production, keeps one replica and three broker servers in it', () => {
    // The definition itself, typed with its resolved spec (the registry's is the generic GoldenPath).
    const resolved = nodeWorkerGoldenPath(goldenPath.dir).resolve({ ...base, environments: [{ name: 'dev' }, { name: 'staging' }, { name: 'production' }] });
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
    expect(resolved.spec.environments.map(env => [env.name, env.scaling.min, env.scaling.max, env.broker.instances])).toEqual([
      ['dev', 0, 4, 1],
      ['staging', 0, 4, 1],
      ['production', 1, 10, 3],
    ]);
    expect(resolved.spec.queue).toMatchObject({ kind: 'rabbitmq', name: 'orders-worker', subject: 'orders-worker', consumerGroup: 'orders-worker' });
    expect(resolved.spec.broker.name).toBe('orders-worker-mq');
  });

  it('has no host for an environment (nothing routes to a worker), while node-service keeps its own', () => {
    expect(issues({ environments: [{ name: 'staging', host: 'orders.example.com' }] })).toEqual(['environments[0].host: is not a known field']);
    expect(builtInGoldenPath('node-service').resolve({ ...base, environments: [{ name: 'staging', host: 'orders.example.com' }] }).ok).toBe(true);
  });

  it('refuses what would break the deploy side, naming the field and the rule', () => {
    expect(issues({ analysis: { maxFailureRatio: 0.01, minMessages: 50 } })).toEqual([
      'analysis.minMessages: must be at least 100 with maxFailureRatio 0.01: with 50 attempts a single failure would abort the canary',
    ]);
    expect(issues({ queue: { subject: 'orders.new' } })).toEqual(['queue.subject: applies to queue.kind nats only; leave it out for rabbitmq']);
    expect(issues({ queue: { kind: 'nats', name: 'orders', subject: 'orders-dead' } })).toEqual(['queue.subject: must not capture the dead-letter subject orders-dead']);
    expect(issues({ environments: [{ name: 'staging', scaling: { min: 5, max: 2 }, broker: { instances: 2 } }] })).toEqual([
      'environments[0].scaling.min: must not exceed scaling.max (2)',
      'environments[0].broker.instances: must be 1 or odd: a quorum of an even number of servers survives no more failures than one fewer',
    ]);
    expect(issues({ queue: { kind: 'kafka' } })).toEqual(['queue.kind: must be one of rabbitmq, redis, nats']);
  });
});

describe.each(['rabbitmq', 'redis', 'nats'])('the node-worker %s example', example => {
  let files: RenderedFile[];
  beforeAll(async () => {
    files = await render(example);
  });

  it('has no HTTP side and every part a deployed worker needs, in each overlay', () => {
    const paths = files.map(file => file.path);
    expect(paths.filter(file => /httproute|ingress|hpa/i.test(file))).toEqual([]);
    for (const environment of ['staging', 'production']) {
      expect(paths).toEqual(expect.arrayContaining(['broker', 'scaledobject', 'rollout-env', 'rollout', 'prometheusrule'].map(name => `deploy/overlays/${environment}/${name}.yaml`)));
      expect(paths).toContain(`deploy/tests/alerts-${environment}.test.yaml`);
    }
    // A chart's Application per environment for NATS and Redis; the RabbitMQ operator's cluster is in the overlay.
    expect(paths.filter(file => file.endsWith('-broker.yaml')).sort()).toEqual(example === 'rabbitmq' ? [] : ['deploy/argocd/production-broker.yaml', 'deploy/argocd/staging-broker.yaml']);
  });

  it('scales the Rollout on the queue the worker consumes, with the worker\'s own credentials, and Argo CD leaves the replicas to KEDA', () => {
    const [scaledObject, auth] = objects(files, 'deploy/overlays/staging/scaledobject.yaml');
    expect(scaledObject.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: objects(files, 'deploy/base/rollout.yaml')[0].metadata.name });
    expect(scaledObject.spec.minReplicaCount).toBe(0);
    const [{ value: env }] = objects(files, 'deploy/overlays/staging/rollout-env.yaml')[0];
    const envValue = (name: string) => env.find((entry: any) => entry.name === name)?.value;
    const trigger = scaledObject.spec.triggers[0];
    const queueField = { rabbitmq: 'queueName', redis: 'stream', nats: 'stream' }[example]!;
    expect(trigger.metadata[queueField]).toBe(envValue('QUEUE_NAME'));
    if (example !== 'rabbitmq') expect(trigger.metadata[example === 'redis' ? 'consumerGroup' : 'consumer']).toBe(envValue('CONSUMER_GROUP'));
    if (example === 'nats') {
      expect(auth).toBeUndefined();
    } else {
      // The Secret the worker's own QUEUE_URL comes from, never a literal.
      const secretsOfWorker = new Set(env.filter((entry: any) => entry.valueFrom?.secretKeyRef).map((entry: any) => entry.valueFrom.secretKeyRef.name));
      expect(auth.spec.secretTargetRef.map((ref: any) => ref.parameter)).toEqual(['username', 'password']);
      for (const ref of auth.spec.secretTargetRef) expect(secretsOfWorker.has(ref.name)).toBe(true);
      expect(trigger.authenticationRef.name).toBe(auth.metadata.name);
    }
    const [application] = objects(files, 'deploy/argocd/staging.yaml');
    expect(application.spec.ignoreDifferences).toEqual([{ group: 'argoproj.io', kind: 'Rollout', name: scaledObject.spec.scaleTargetRef.name, jsonPointers: ['/spec/replicas'] }]);
    expect(application.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
  });
});

describe('the validator on a node-worker repo with a known failure put back', () => {
  let files: RenderedFile[];
  beforeAll(async () => {
    files = await render('rabbitmq');
  });

  it('finds no problem in the repo as rendered', async () => {
    expect(await rules(files)).toEqual([]);
  });

  it('a ScaledObject whose scaleTargetRef names no workload', async () => {
    const broken = edit(files, 'deploy/overlays/staging/scaledobject.yaml', /kind: Rollout\n    name: orders-worker/, 'kind: Rollout\n    name: orders-wroker');
    expect(await rules(broken)).toEqual(expect.arrayContaining(['hpa-target-exists']));
  });

  it('a ScaledObject left at KEDA\'s default target (a Deployment) while the worker is a Rollout', async () => {
    const broken = edit(files, 'deploy/overlays/staging/scaledobject.yaml', '    apiVersion: argoproj.io/v1alpha1\n    kind: Rollout\n', '');
    expect(await rules(broken)).toEqual(expect.arrayContaining(['hpa-target-exists']));
  });

  it('an Argo CD Application that does not ignore the replicas KEDA sets, or applies them back', async () => {
    const noIgnore = edit(files, 'deploy/argocd/staging.yaml', /\n  ignoreDifferences:[\s\S]*$/, '\n');
    expect(await rules(noIgnore)).toContain('argocd-controller-fields');
    const noRespect = edit(files, 'deploy/argocd/staging.yaml', '      - RespectIgnoreDifferences=true\n', '');
    expect(await rules(noRespect)).toContain('argocd-controller-fields');
  });

  it('an HPA beside the ScaledObject on the same Rollout (and the profile forbids it)', async () => {
    const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: orders-worker
  labels:
    app.kubernetes.io/name: orders-worker
    backstage.io/kubernetes-id: orders-worker
spec:
  scaleTargetRef:
    apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    name: orders-worker
  minReplicas: 1
  maxReplicas: 4
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
`;
    const broken = add(files, 'deploy/overlays/staging/hpa.yaml', hpa, 'deploy/overlays/staging/kustomization.yaml');
    expect(await rules(broken)).toEqual(expect.arrayContaining(['argocd-controller-fields', 'golden-path-profile']));
  });

  it('analysis that passes with no data, or on too few messages', async () => {
    const noData = edit(files, 'deploy/base/analysistemplate.yaml', 'successCondition: len(result) > 0 && result[0] <= 0.05', 'successCondition: len(result) == 0 || result[0] <= 0.05');
    expect(await rules(noData)).toContain('analysis-no-data-success');
    const fewMessages = edit(files, 'deploy/base/analysistemplate.yaml', /\) >= 50\n/g, ') > 0\n');
    expect(await rules(fewMessages)).toContain('analysis-minimum-sample');
  });

  it('a worker whose ScaledObject is gone: the check profile', async () => {
    const noKeda = edit(files, 'deploy/overlays/staging/kustomization.yaml', '  - scaledobject.yaml\n', '');
    expect(await rules(noKeda)).toContain('golden-path-profile');
  });

  it('scaler credentials from a Secret nothing makes', async () => {
    const broken = edit(files, 'deploy/overlays/staging/scaledobject.yaml', /name: orders-worker-mq-orders-worker-user-credentials\n      key: password/, 'name: orders-worker-mq-credentials\n      key: password');
    expect(await rules(broken)).toContain('operator-resource-refs');
  });
});
