/* eslint-disable @typescript-eslint/no-explicit-any -- cases edit deep, loosely typed manifests */
/**
 * Every rule of the rule families (validate/rules/<family>.ts) is exercised: one case per id,
 * each breaking a valid repo the way the rule guards against and expecting that rule from the
 * stage that owns it. The table is typed `Record<FamilyRuleId, …>`, so a rule added to a family
 * without a case here fails `tsc -p tsconfig.test.json`, and the last test checks at run time
 * that families and units together are all of RULES. Check units carry their own
 * validate/rules/<id>.test.ts (registry.test.ts checks that it exists and names the id).
 */
import { promises as fs } from 'fs';
import path from 'path';
import { KustomizeLocator, requireShippedKustomize } from '../kustomize';
import { validateRenderedFiles, validateRepoDir } from '../pipeline';
import { policyChecks } from '../policy';
import { referenceChecks } from '../references';
import { checkObjectSchemas, schemaKeywordRule } from '../schema';
import type { KubernetesObject, ModelCheck, RepoModel, ValidationProblem } from '../types';
import { add, baselineModel, edit, problemsOf, remove, CATALOG } from '../policy/__fixtures__/repoModel';
import { replaceLine, sampleRepoFiles, toRenderedFiles, writeRepo } from '../__fixtures__/sample-repo';
import { CHECK_UNITS, RULES, type FamilyRuleId } from './index';

let kubectl: KustomizeLocator;
beforeAll(async () => {
  kubectl = await requireShippedKustomize();
});

type Case = () => ValidationProblem[] | Promise<ValidationProblem[]>;
type Edit = (object: any) => void;

/** The policy and reference checks on the baseline model after `change`. */
const model = (change: (model: RepoModel) => unknown): Case => () => {
  const changed = baselineModel();
  change(changed);
  return problemsOf([...policyChecks, ...referenceChecks], changed);
};
const rollout = (change: Edit) => model(m => edit(m, 'Rollout', 'orders', change));
const container = (change: Edit) => rollout(r => change(r.spec.template.spec.containers[0]));
const template = (change: Edit) => model(m => edit(m, 'AnalysisTemplate', 'orders-canary-analysis', change));
const withFile = (file: string, text: string | undefined) =>
  model(m => (text === undefined ? m.files.delete(file) : m.files.set(file, text)));

/** The whole pipeline on the sample repo after `change`, overlays built with the npm-shipped kubectl. */
const pipeline = (change: (files: Record<string, string>) => Record<string, string>): Case => async () =>
  (await validateRenderedFiles(toRenderedFiles(change(sampleRepoFiles())), { kustomize: kubectl, policyChecks: [], referenceChecks: [] })).problems;
const stagingKustomization = (from: string, to: string) =>
  pipeline(files => replaceLine(files, 'deploy/overlays/staging/kustomization.yaml', from, to));
const schema = (object: unknown): Case => () => checkObjectSchemas([{ object: object as KubernetesObject, file: 'deploy/base/x.yaml' }]);
const pod = (spec: unknown) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });

const CASES: Record<FamilyRuleId, Case> = {
  // yaml
  'yaml-syntax': pipeline(files => ({ ...files, 'deploy/base/extra.yaml': 'a: [unclosed\n' })),
  'file-too-large': async () => {
    const root = await writeRepo(sampleRepoFiles());
    try {
      await fs.writeFile(path.join(root, 'data.bin'), Buffer.alloc(4 * 1024 * 1024 + 1));
      return (await validateRepoDir(root, { kustomize: 'skip', policyChecks: [], referenceChecks: [] })).problems;
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  },
  // schema
  'not-a-kubernetes-object': pipeline(files => ({ ...files, 'deploy/argocd/notes.yaml': 'just: text\n' })),
  'unknown-kind': pipeline(files => ({ ...files, 'deploy/argocd/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n' })),
  'unknown-field': pipeline(files => replaceLine(files, 'deploy/base/deployment.yaml', '  replicas: 2', '  replica: 2')),
  'schema-type': pipeline(files => replaceLine(files, 'deploy/base/service.yaml', '    - port: 80', '    - port: "eighty"')),
  'schema-required': schema({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ targetPort: 8080 }] } }),
  'schema-enum': schema({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'Public', ports: [{ port: 80 }] } }),
  'schema-format': schema(pod({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 99999999999 }] }] })),
  'schema-pattern': schema({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 's' }, spec: { selector: {}, endpoints: [{ port: 'm', interval: 'often' }] } }),
  'schema-minimum': schema({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'h' }, spec: { rules: [{ backendRefs: [{ name: 'x', port: 80, weight: -1 }] }] } }),
  'schema-maximum': schema({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'h' }, spec: { rules: [{ backendRefs: [{ name: 'x', port: 999999 }] }] } }),
  'schema-min-length': schema({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'h' }, spec: { parentRefs: [{ name: '' }] } }),
  // No shipped schema breaks a keyword outside the table on its own: the mapping is what the stage runs.
  'schema-constraint': () => [{ check: 'schema', rule: schemaKeywordRule('multipleOf'), message: 'must be multiple of 2' }],
  'schema-check-failed': schema({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c' },
    get data(): never {
      throw new Error('unreadable');
    },
  }),
  // kustomize
  'kustomize-build': pipeline(files => ({
    ...replaceLine(files, 'deploy/overlays/staging/kustomization.yaml', '  - ../../base', '  - ../../base\n  - ../../notes'),
    'deploy/notes/README.txt': 'not a kustomization\n',
  })),
  'kustomize-remote-source': stagingKustomization('  - ../../base', '  - https://github.com/example/base//deploy?ref=main'),
  'kustomize-source-outside-repo': stagingKustomization('  - ../../base', '  - ../../../../outside'),
  'kustomize-source-missing': stagingKustomization('  - ../../base', '  - ../../base\n  - nope.yaml'),
  'kustomize-source-unchecked': stagingKustomization('patches:', 'transformers:\n  - ../../base\npatches:'),
  // pipeline
  'check-crashed': async () => {
    const broken: ModelCheck = () => {
      throw new Error('boom');
    };
    return (await validateRenderedFiles(toRenderedFiles(sampleRepoFiles()), { kustomize: 'skip', policyChecks: [broken], referenceChecks: [] })).problems;
  },
  // pod security
  'pod-run-as-non-root': container(c => { c.securityContext.runAsNonRoot = false; }),
  'pod-privilege-escalation': container(c => { c.securityContext.allowPrivilegeEscalation = true; }),
  'pod-capabilities': container(c => { c.securityContext.capabilities.drop = []; }),
  'pod-seccomp-profile': rollout(r => { r.spec.template.spec.securityContext.seccompProfile = { type: 'Unconfined' }; }),
  'pod-read-only-root-filesystem': container(c => { c.securityContext.readOnlyRootFilesystem = false; }),
  'pod-privileged': container(c => { c.securityContext.privileged = true; }),
  'pod-host-namespaces': rollout(r => { r.spec.template.spec.hostNetwork = true; }),
  'pod-host-path': rollout(r => { r.spec.template.spec.volumes.push({ name: 'node', hostPath: { path: '/' } }); }),
  'pod-service-account-token': rollout(r => { r.spec.template.spec.automountServiceAccountToken = true; }),
  // workloads
  'container-resources': container(c => { delete c.resources; }),
  'container-probes': container(c => { delete c.readinessProbe; }),
  'workload-pdb': model(m => remove(m, 'PodDisruptionBudget', 'orders')),
  'pvc-rwo-shared': model(m => {
    add(m, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'images', labels: {} }, spec: { accessModes: ['ReadWriteOnce'] } });
    edit(m, 'Rollout', 'orders', r => { r.spec.template.spec.volumes.push({ name: 'images', persistentVolumeClaim: { claimName: 'images' } }); });
  }),
  'image-latest': container(c => { c.image = 'ghcr.io/example-org/orders:latest'; }),
  'image-untagged': container(c => { c.image = 'ghcr.io/example-org/orders'; }),
  'image-unpinned': container(c => { c.image = 'ghcr.io/example-org/orders:staging-initial'; }),
  // network
  'network-policy-coverage': model(m => {
    for (const name of ['default-deny', 'allow-dns', 'allow-gateway', 'allow-db']) remove(m, 'NetworkPolicy', `orders-${name}`);
  }),
  'network-default-deny': model(m => remove(m, 'NetworkPolicy', 'orders-default-deny')),
  'network-dns-egress': model(m => remove(m, 'NetworkPolicy', 'orders-allow-dns')),
  'dns-short-name': model(m => edit(m, 'ConfigMap', 'orders-config', cm => { cm.data.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://otel-collector:4318'; })),
  // secrets
  'secret-in-git': withFile('deploy/base/db-secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n'),
  'env-plaintext-credential': model(m => edit(m, 'ConfigMap', 'orders-config', cm => { cm.data.DB_PASSWORD = 'hunter2'; })),
  // routing
  'ingress-rules': model(m => add(m, { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'orders' }, spec: {} })),
  'httproute-hostnames': model(m => edit(m, 'HTTPRoute', 'orders', route => { delete route.spec.hostnames; })),
  'httproute-backends': model(m => edit(m, 'HTTPRoute', 'orders', route => { route.spec.rules[0].backendRefs = []; })),
  // canary analysis
  'canary-analysis-required': rollout(r => { delete r.spec.strategy.canary.analysis; }),
  'canary-analysis-error-rate': template(t => { t.spec.metrics.shift(); }),
  'canary-analysis-latency': template(t => { t.spec.metrics.pop(); }),
  'analysis-resource-only': template(t => {
    t.spec.metrics = [{ ...t.spec.metrics[0], provider: { prometheus: { address: 'http://prometheus-operated.monitoring.svc.cluster.local:9090', query: 'sum(rate(container_cpu_usage_seconds_total[5m]))' } } }];
  }),
  'analysis-metric-condition': template(t => { delete t.spec.metrics[0].successCondition; }),
  'analysis-metric-failure-limit': template(t => { delete t.spec.metrics[0].failureLimit; }),
  'analysis-dry-run': template(t => { t.spec.dryRun = [{ metricName: '*' }]; }),
  'rollout-abort-scale-down': rollout(r => { r.spec.strategy.canary.abortScaleDownDelaySeconds = 0; }),
  // ci: the workflow lint (the other CI rules are units with their own tests)
  'actionlint': pipeline(files => ({ ...files, '.github/workflows/ci.yaml': 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.missing }}\n' })),
  // catalog
  'catalog-component': withFile('catalog-info.yaml', undefined),
  'catalog-required-fields': withFile('catalog-info.yaml', CATALOG.replace('  lifecycle: experimental\n', '')),
  'catalog-kubernetes-id': withFile('catalog-info.yaml', CATALOG.replace('    backstage.io/kubernetes-id: orders\n', '')),
  'catalog-object-labels': rollout(r => { delete r.spec.template.metadata.labels['backstage.io/kubernetes-id']; }),
  'catalog-component-objects': withFile('catalog-info.yaml', CATALOG.replace('backstage.io/kubernetes-id: orders\n', 'backstage.io/kubernetes-id: orders-api\n')),
  'catalog-argocd-selector': withFile('catalog-info.yaml', CATALOG.replace('    argocd/app-selector: backstage.io/kubernetes-id=orders\n', '')),
  // references
  'service-selector': model(m => edit(m, 'Service', 'orders', s => { s.spec.selector = { app: 'nope' }; })),
  'service-target-port': model(m => edit(m, 'Service', 'orders', s => { s.spec.ports[0].targetPort = 'htp'; })),
  'hpa-target-exists': model(m => edit(m, 'HorizontalPodAutoscaler', 'orders', h => { h.spec.scaleTargetRef.name = 'nope'; })),
  'hpa-min-max': model(m => edit(m, 'HorizontalPodAutoscaler', 'orders', h => { h.spec.maxReplicas = 1; })),
  'rollout-analysis-template': rollout(r => { r.spec.strategy.canary.analysis.templates[0].templateName = 'nope'; }),
  'rollout-analysis-args': rollout(r => { r.spec.strategy.canary.analysis.args.pop(); }),
  'rollout-services': rollout(r => { r.spec.strategy.canary.canaryService = 'nope'; }),
  'rollout-httproute': rollout(r => { r.spec.strategy.canary.trafficRouting.plugins['argoproj-labs/gatewayAPI'].httpRoute = 'nope'; }),
  'rollout-httproute-backends': model(m => edit(m, 'HTTPRoute', 'orders', route => { route.spec.rules[0].backendRefs.pop(); })),
  'workload-selector': rollout(r => { r.spec.selector.matchLabels = { app: 'other' }; }),
  'servicemonitor-target': model(m => edit(m, 'ServiceMonitor', 'orders', sm => { sm.spec.endpoints[0].port = 'http-metrics'; })),
  'podmonitor-target': model(m =>
    add(m, { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'orders' }, spec: { selector: { matchLabels: { app: 'nope' } } } }),
  ),
  'httproute-backend-exists': model(m => edit(m, 'HTTPRoute', 'orders', route => { route.spec.rules[0].backendRefs[0].port = 8080; })),
  'pdb-selects-pods': model(m => edit(m, 'PodDisruptionBudget', 'orders', pdb => { pdb.spec.selector.matchLabels = { app: 'other' }; })),
  'networkpolicy-selects-pods': model(m => edit(m, 'NetworkPolicy', 'orders-allow-gateway', np => { np.spec.podSelector.matchLabels = { app: 'nope' }; })),
  'argocd-source-path': model(m => edit(m, 'Application', 'orders-staging', app => { app.spec.source.path = 'deploy/overlay/staging'; })),
  'argocd-destination-namespace': model(m => edit(m, 'Application', 'orders-production', app => { app.spec.destination.namespace = 'orders-prod'; })),
  'env-secret-ref': model(m => remove(m, 'Cluster', 'orders-db')),
  'env-configmap-ref': model(m => remove(m, 'ConfigMap', 'orders-config')),
  'service-account-exists': model(m => remove(m, 'ServiceAccount', 'orders')),
};

describe('every family rule is reported on a repo that breaks it', () => {
  it.each(Object.entries(CASES))('%s', async (rule, breakIt) => {
    const problems = await breakIt();
    const expected = RULES.find(definition => definition.id === rule);
    expect(problems.filter(problem => problem.rule === rule).map(problem => problem.check)).toContainEqual(expected?.check);
  });
});

describe('the cases cover the registry', () => {
  it('families (this table) and check units are every registered rule', () => {
    const units: readonly { id: string }[] = CHECK_UNITS;
    expect([...Object.keys(CASES), ...units.map(unit => unit.id)].sort()).toEqual(RULES.map(rule => rule.id).sort());
  });
});
