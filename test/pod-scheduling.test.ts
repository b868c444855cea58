/**
 * The scheduling options every golden path whose pods run a workload shares (spec.ts
 * `schedulingFragment`, environments[].priorityClassName), rendered by one partial
 * (skeletons/_shared/pod-scheduling.hbs): each path's pod template gets the same constraints,
 * keyed by its controller's revision label, and each environment its own PriorityClass.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { builtInGoldenPath, type BuiltInGoldenPathId } from '@slipway/skeletons';
import { renderGoldenPath } from '@slipway/render';

interface Workload {
  id: BuiltInGoldenPathId;
  example: string;
  kind: 'Rollout' | 'Deployment';
  file: string;
  hashLabel: string;
}

const WORKLOADS: Workload[] = [
  { id: 'node-service', example: 'minimal', kind: 'Rollout', file: 'rollout.yaml', hashLabel: 'rollouts-pod-template-hash' },
  { id: 'node-worker', example: 'rabbitmq', kind: 'Rollout', file: 'rollout.yaml', hashLabel: 'rollouts-pod-template-hash' },
  { id: 'static-frontend', example: 'minimal', kind: 'Deployment', file: 'deployment.yaml', hashLabel: 'pod-template-hash' },
];

type Manifest = { kind: string; spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

async function render(workload: Workload, overrides: Record<string, unknown>): Promise<Map<string, string>> {
  const goldenPath = builtInGoldenPath(workload.id);
  const values = { ...parse(await fs.readFile(path.join(goldenPath.dir, 'examples', `${workload.example}.yaml`), 'utf8')), ...overrides };
  const resolved = goldenPath.resolve(values);
  if (!resolved.ok) throw new Error(resolved.issues.map(issue => `${issue.path}: ${issue.message}`).join('; '));
  return new Map((await renderGoldenPath(goldenPath, resolved.spec)).map(file => [file.path, file.content]));
}

function manifest(files: Map<string, string>, file: string, kind: string): Manifest {
  const text = files.get(file);
  if (text === undefined) throw new Error(`no file ${file}`);
  const found = parseAllDocuments(text).map(doc => doc.toJS() as Manifest).find(object => object?.kind === kind);
  if (!found) throw new Error(`no ${kind} in ${file}`);
  return found;
}

const baseOf = (workload: Workload, files: Map<string, string>) => manifest(files, `deploy/base/${workload.file}`, workload.kind);
const overlayOf = (workload: Workload, files: Map<string, string>, environment: string) =>
  manifest(files, `deploy/overlays/${environment}/${workload.file}`, workload.kind);

describe.each(WORKLOADS)('$id pod scheduling', workload => {
  it("spreads the pods across zones and nodes by default, counting only the workload's own pods of one revision", async () => {
    const files = await render(workload, {});
    const base = baseOf(workload, files);
    const constraints = base.spec.template.spec.topologySpreadConstraints;
    expect(constraints.map((c: { topologyKey: string }) => c.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    for (const constraint of constraints) {
      expect(constraint).toEqual({
        maxSkew: 1,
        topologyKey: constraint.topologyKey,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: base.spec.selector.matchLabels },
        matchLabelKeys: [workload.hashLabel],
      });
    }
    // No PriorityClass unless an environment names one.
    for (const environment of ['staging', 'production']) expect(overlayOf(workload, files, environment).spec.template?.spec).toBeUndefined();
  });

  it('renders the options: one topology, the skew and policy, and a PriorityClass only where an environment sets it', async () => {
    const files = await render(workload, {
      scheduling: { topologySpread: { zones: false, maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' } },
      environments: [{ name: 'staging' }, { name: 'production', priorityClassName: 'production-high' }],
    });
    const base = baseOf(workload, files);
    expect(base.spec.template.spec.topologySpreadConstraints).toEqual([
      {
        maxSkew: 2,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: base.spec.selector.matchLabels },
        matchLabelKeys: [workload.hashLabel],
      },
    ]);
    expect(base.spec.template.spec.priorityClassName).toBeUndefined();
    expect(overlayOf(workload, files, 'production').spec.template.spec).toEqual({ priorityClassName: 'production-high' });
    expect(overlayOf(workload, files, 'staging').spec.template?.spec).toBeUndefined();
  });

  it('renders no constraints when both topologies are off', async () => {
    const files = await render(workload, { scheduling: { topologySpread: { zones: false, nodes: false } } });
    expect(baseOf(workload, files).spec.template.spec).not.toHaveProperty('topologySpreadConstraints');
  });

  it("rejects a reserved PriorityClass and a policy the scheduler does not know, naming the field", () => {
    const goldenPath = builtInGoldenPath(workload.id);
    const issues = (values: Record<string, unknown>) => {
      const result = goldenPath.spec.safeParse({ name: 'x', owner: 'group:default/a', description: 'x', ...values });
      return result.success ? [] : result.error.issues.map(issue => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(issues({ environments: [{ name: 'production', priorityClassName: 'system-cluster-critical' }] })).toEqual([
      expect.stringMatching(/^environments\.0\.priorityClassName: must be a PriorityClass name: a DNS-1123 subdomain not starting with system-/),
    ]);
    expect(issues({ scheduling: { topologySpread: { whenUnsatisfiable: 'Never' } } })).toEqual([
      'scheduling.topologySpread.whenUnsatisfiable: must be one of ScheduleAnyway, DoNotSchedule',
    ]);
  });
});
