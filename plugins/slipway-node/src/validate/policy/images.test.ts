import type { RepoModel } from '../types';
import { checkImages, parseImage, SKIP_RECONCILE_ANNOTATION, unpinnedEnvironments } from './images';
import { baselineModel, edit, problemsOf, rulesOf } from './__fixtures__/repoModel';

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
