/**
 * The pod options (config as env and files, sidecars sharing a directory, per-environment
 * CronJobs) as each golden path that has them renders its example: node-service's log-output
 * (seed 001's two-container pod, seed 000's production-only job) and node-worker's pod-options.
 *
 * Real parts: the renderer, `kustomize build` of each overlay (the shipped kubectl), the
 * validator, `npm ci` and the generated repo's own tests, and `node` running each CronJob's
 * container as the built manifest says. What stands in for the cluster: reading the built
 * objects for what the kubelet would mount and run (which ConfigMap an envFrom or a volume
 * names, which directory two containers share, what a CronJob's container runs); every
 * observation is read from the built manifests, so a wrong manifest fails here, and the
 * expectations come from the example's values.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { requireShippedKustomize, validateRepoDir } from '@slipway/validate';
import type { BuiltInGoldenPathId } from '@slipway/skeletons';
import { generateGoldenPathRepo, readValuesFile } from './support/generatedRepo';
import { overlayObjects } from './support/kustomize';
import { runOk } from './support/processes';

interface Container {
  name: string;
  image: string;
  args?: string[];
  restartPolicy?: string;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Array<{ name: string; configMap?: { name: string }; emptyDir?: object }>;
}
interface BuiltObject {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } };
}
interface ExampleValues {
  name: string;
  config?: { env?: Record<string, string>; files?: Record<string, string>; mountPath?: string };
  sidecars?: Array<{ name: string }>;
  environments: Array<{ name: string; config?: { env?: Record<string, string>; files?: Record<string, string> } }>;
  cronJobs?: Array<{ name: string; environments?: string[] }>;
}

/** The data of the ConfigMap a reference names, as the kubelet would look it up in the namespace. */
function configMapData(objects: BuiltObject[], name: string | undefined): Record<string, string> {
  const map = objects.find(object => object.kind === 'ConfigMap' && object.metadata.name === name);
  if (!map) throw new Error(`the pod names ConfigMap ${name}, which the overlay does not make`);
  return map.data ?? {};
}

describe.each([
  ['node-service', 'skeletons/node-service/examples/log-output.yaml', 'app'],
  ['node-worker', 'skeletons/node-worker/examples/pod-options.yaml', 'worker'],
] as Array<[BuiltInGoldenPathId, string, string]>)('pod options of %s (%s)', (goldenPathId, valuesFile, mainContainer) => {
  let dir: string;
  let values: ExampleValues;
  const objects = new Map<string, BuiltObject[]>();

  beforeAll(async () => {
    values = (await readValuesFile(valuesFile)) as unknown as ExampleValues;
    ({ dir } = await generateGoldenPathRepo(goldenPathId, values as unknown as Record<string, unknown>));
    for (const { name } of values.environments) objects.set(name, await overlayObjects<BuiltObject>(dir, name));
  }, 120_000);
  afterAll(() => dir && fs.rm(dir, { recursive: true, force: true }));

  const rolloutPod = (environment: string) => objects.get(environment)!.find(object => object.kind === 'Rollout')!.spec!.template!.spec;
  const main = (environment: string) => rolloutPod(environment).containers.find(container => container.name === mainContainer)!;

  it('passes slipway validate with every overlay built', async () => {
    const report = await validateRepoDir(dir, { kustomize: await requireShippedKustomize() });
    expect(report.problems).toEqual([]);
  }, 60_000);

  it("gives the main container each environment's merged config, as env and as files, from ConfigMaps the overlay makes", () => {
    for (const environment of values.environments) {
      const pod = rolloutPod(environment.name);
      const env = configMapData(objects.get(environment.name)!, main(environment.name).envFrom?.[0]?.configMapRef?.name);
      const filesMount = main(environment.name).volumeMounts!.find(mount => mount.readOnly)!;
      const filesVolume = pod.volumes!.find(volume => volume.name === filesMount.name)!;
      expect(env).toEqual({ ...values.config?.env, ...environment.config?.env });
      expect(configMapData(objects.get(environment.name)!, filesVolume.configMap?.name)).toEqual({ ...values.config?.files, ...environment.config?.files });
      expect(filesMount.mountPath).toBe(values.config?.mountPath ?? '/etc/config');
    }
    // Different content, different name: a config change is a new pod template (a canary).
    const names = values.environments.map(environment => main(environment.name).envFrom?.[0]?.configMapRef?.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('fails validation when kustomize is not taught the Rollout\'s ConfigMap references (a reintroduced defect)', async () => {
    // Without deploy/base/kustomizeconfig, the real kustomize hashes the ConfigMaps' names but
    // leaves the Rollout naming the plain ones: pods that would never start.
    const copy = await fs.mkdtemp(path.join(dir, '..', 'slipway-pod-options-'));
    try {
      await fs.cp(dir, copy, { recursive: true, filter: source => !source.includes('node_modules') });
      const kustomization = path.join(copy, 'deploy/base/kustomization.yaml');
      await fs.writeFile(kustomization, (await fs.readFile(kustomization, 'utf8')).replace(/^configurations:\n  - .*\n/m, ''));
      const report = await validateRepoDir(copy, { kustomize: await requireShippedKustomize() });
      expect(report.problems.filter(problem => problem.rule === 'env-configmap-ref').map(problem => problem.message)).toEqual(
        expect.arrayContaining([expect.stringContaining(`ConfigMap/${values.name}-env is not in the deployed objects`)]),
      );
    } finally {
      await fs.rm(copy, { recursive: true, force: true });
    }
  }, 60_000);

  it('runs the sidecars as native sidecars sharing one emptyDir with the main container', () => {
    const pod = rolloutPod(values.environments[values.environments.length - 1].name);
    expect((pod.initContainers ?? []).map(container => [container.name, container.restartPolicy])).toEqual(
      (values.sidecars ?? []).map(sidecar => [sidecar.name, 'Always']),
    );
    const sharedIn = (container: Container) =>
      (container.volumeMounts ?? []).filter(mount => mount.name !== 'tmp' && pod.volumes!.find(volume => volume.name === mount.name)?.emptyDir);
    for (const sidecar of pod.initContainers ?? []) {
      expect(sharedIn(sidecar)).toHaveLength(1);
      expect(sharedIn(main(values.environments[0].name))).toEqual(sharedIn(sidecar));
    }
  });

  it('runs each CronJob in exactly its environments, and its container runs as the manifest says', async () => {
    for (const environment of values.environments) {
      const cronJobs = objects.get(environment.name)!.filter(object => object.kind === 'CronJob');
      const expected = (values.cronJobs ?? []).filter(job => !job.environments || job.environments.includes(environment.name));
      expect(cronJobs.map(job => job.metadata.name)).toEqual(expected.map(job => `${values.name}-${job.name}`));
    }
    const production = values.environments[values.environments.length - 1].name;
    const containers = objects.get(production)!.filter(object => object.kind === 'CronJob').map(job => job.spec!.jobTemplate!.spec.template.spec.containers[0]);
    expect(containers.length).toBeGreaterThan(0);

    await runOk('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: 300_000 });
    const tests = await runOk('npm', ['test'], { cwd: dir, timeoutMs: 300_000 });
    expect(tests.stdout + tests.stderr).toMatch(/# fail 0/);
    await runOk('npm', ['run', 'build'], { cwd: dir, timeoutMs: 120_000 });
    for (const container of containers) {
      // Same image as the main container (the overlay pins it once), whose entrypoint is node.
      expect(container.image).toBe(main(production).image);
      const run = await runOk(process.execPath, container.args!, { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
      expect(JSON.parse(run.stdout.trim().split('\n')[0])).toMatchObject({ msg: expect.any(String) });
    }
  }, 600_000);
});
