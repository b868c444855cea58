import type { RepoModel } from '../types';
import { checkImages, parseImage, SKIP_RECONCILE_ANNOTATION, unpinnedEnvironments } from './images';
import { add, baselineModel, edit, problemsOf, rulesOf } from './__fixtures__/repoModel';
import { firstPartyImages } from './firstPartyImages';
import { renderExample } from '../rules/__fixtures__/renderedRepo';

/** Sets the image of the Rollout's container (and, optionally, the migration Job's) in one environment. */
function setImage(model: RepoModel, environment: string, image: string, alsoJob = true): RepoModel {
  for (const { object } of model.environments.get(environment) ?? []) {
    const spec = (object as any).spec;
    if (object.kind === 'Rollout' || (alsoJob && object.kind === 'Job')) spec.template.spec.containers[0].image = image;
  }
  return model;
}

function skipReconcile(model: RepoModel, environment: string): RepoModel {
  return edit(model, 'Application', `orders-${environment}`, app => {
    app.metadata.annotations[SKIP_RECONCILE_ANNOTATION] = 'true';
  });
}

describe('parseImage', () => {
  it.each([
    ['ghcr.io/acme/orders', { repository: 'ghcr.io/acme/orders' }],
    ['ghcr.io/acme/orders:sha-abc1234', { repository: 'ghcr.io/acme/orders', tag: 'sha-abc1234' }],
    ['localhost:5000/orders', { repository: 'localhost:5000/orders' }],
    ['localhost:5000/orders:v1.2.3', { repository: 'localhost:5000/orders', tag: 'v1.2.3' }],
    [`postgres@sha256:${'a'.repeat(64)}`, { repository: 'postgres', digest: `sha256:${'a'.repeat(64)}` }],
  ])('%s', (image, expected) => {
    expect(parseImage(image)).toEqual({ digest: undefined, tag: undefined, ...expected });
  });
});

describe('image pinning', () => {
  it('accepts sha-<hex>, v<semver>, digests and tagged third-party images', () => {
    const model = setImage(baselineModel(), 'production', 'ghcr.io/example-org/orders:v1.4.0');
    edit(model, 'Job', 'orders-migrate', job => {
      job.spec.template.spec.initContainers = [{ ...structuredClone(job.spec.template.spec.containers[0]), name: 'wait', image: 'busybox:1.36' }];
    });
    setImage(model, 'staging', `ghcr.io/example-org/orders@sha256:${'b'.repeat(64)}`);
    expect(rulesOf(checkImages, model)).toEqual([]);
  });

  it('flags :latest everywhere, even in the raw base', () => {
    const model = edit(baselineModel({ built: false }), 'Rollout', 'orders', rollout => {
      rollout.spec.template.spec.containers[0].image = 'ghcr.io/example-org/orders:latest';
    });
    expect(rulesOf(checkImages, model)).toEqual(['image-latest']);
  });

  it('lets the raw base leave the tag to the overlays', () => {
    expect(rulesOf(checkImages, baselineModel({ built: false }))).toEqual([]);
  });

  it('flags a service tag no build made (seed 000: staging-initial)', () => {
    const model = setImage(baselineModel(), 'staging', 'ghcr.io/example-org/orders:staging-initial');
    const problems = problemsOf(checkImages, model);
    expect(problems.map(p => p.rule)).toEqual(['image-unpinned', 'image-unpinned']);
    expect(problems[0]).toMatchObject({ environment: 'staging', object: 'Rollout/orders' });
  });

  it('flags an untagged service image in a built overlay whose Application reconciles', () => {
    const model = setImage(baselineModel(), 'staging', 'ghcr.io/example-org/orders');
    const problems = problemsOf(checkImages, model);
    expect(problems.map(p => p.rule)).toEqual(['image-untagged', 'image-untagged']);
    expect(problems[0].message).toContain('would deploy an image no build made');
    expect(unpinnedEnvironments(model)).toEqual([]);
  });

  it('allows the bootstrap state: untagged service image while the Application skips reconcile', () => {
    const model = skipReconcile(setImage(baselineModel(), 'staging', 'ghcr.io/example-org/orders'), 'staging');
    expect(rulesOf(checkImages, model)).toEqual([]);
    expect(unpinnedEnvironments(model)).toEqual(['staging']);
  });

  it('still flags an untagged third-party image in a skip-reconcile environment', () => {
    const model = skipReconcile(setImage(baselineModel(), 'staging', 'ghcr.io/example-org/orders'), 'staging');
    edit(model, 'Job', 'orders-migrate', job => {
      job.spec.template.spec.initContainers = [{ ...structuredClone(job.spec.template.spec.containers[0]), name: 'wait', image: 'busybox' }];
    });
    const problems = problemsOf(checkImages, model);
    // production's busybox and staging's busybox are both untagged; the service image in staging is not reported.
    expect(problems.map(p => `${p.environment} ${p.rule}`).sort()).toEqual(['production image-untagged', 'staging image-untagged']);
  });

  it('does not let another environment\'s skip-reconcile excuse production', () => {
    const model = skipReconcile(setImage(baselineModel(), 'production', 'ghcr.io/example-org/orders'), 'staging');
    expect(problemsOf(checkImages, model).map(p => p.environment)).toEqual(['production', 'production']);
  });
});

describe('first-party images come from the golden path\'s CI, not the workload kind', () => {
  const worker = (image: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'orders-worker', labels: {} },
    spec: {
      selector: { matchLabels: { app: 'orders-worker' } },
      template: { metadata: { labels: { app: 'orders-worker' } }, spec: { containers: [{ name: 'worker', image, args: ['worker'] }] } },
    },
  });
  const CI = `name: ci
on: {push: {branches: [main]}}
env:
  REGISTRY: ghcr.io
  IMAGE: \${{ env.REGISTRY }}/example-org/orders
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: \${{ env.IMAGE }}:sha-\${{ github.sha }}
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: cd deploy/overlays/staging && kustomize edit set image "\${IMAGE}=\${IMAGE}@\${DIGEST}"
`;

  it('applies the pinning rules to a Deployment running the service image (a worker), where only Rollouts counted before', () => {
    const model = add(baselineModel(), worker('ghcr.io/example-org/orders:nightly'));
    const problems = problemsOf(checkImages, model).filter(p => p.object === 'Deployment/orders-worker');
    expect(problems.map(p => `${p.environment} ${p.rule}`)).toEqual(['staging image-unpinned', 'production image-unpinned']);
  });

  it('reads the image from the workflow: build-push tags and kustomize edit set image, env resolved', () => {
    const model = baselineModel();
    model.files.set('.github/workflows/ci.yaml', CI);
    expect([...firstPartyImages(model).repositories]).toEqual(['ghcr.io/example-org/orders']);
    expect(firstPartyImages(model).declaredIn.get('ghcr.io/example-org/orders')).toBe('.github/workflows/ci.yaml jobs.image');
  });

  it('does not take a third-party image the overlays pin for the service\'s own when CI names the image', () => {
    const model = baselineModel();
    model.files.set('.github/workflows/ci.yaml', CI);
    model.files.set('deploy/overlays/staging/kustomization.yaml', `${model.files.get('deploy/overlays/staging/kustomization.yaml')}  - name: busybox\n    newTag: "1.36"\n`);
    expect(firstPartyImages(model).repositories).toEqual(new Set(['ghcr.io/example-org/orders']));
    // Without a workflow that says, the overlays' images stand in.
    const withoutCi = { ...model, files: new Map([...model.files].filter(([file]) => !file.startsWith('.github/'))) };
    expect(firstPartyImages(withoutCi).repositories).toEqual(new Set(['ghcr.io/example-org/orders', 'busybox']));
  });

  it('finds the generated repo\'s image in its CI workflow', async () => {
    const files = await renderExample('minimal');
    const model = { files, environments: new Map(), rawObjects: [] };
    expect(firstPartyImages(model).declaredIn).toEqual(new Map([['ghcr.io/example-org/orders', '.github/workflows/ci.yaml jobs.image']]));
  });
});
