import { resolveServiceSpec, safeResolveServiceSpec } from './resolve';
import { DEFAULT_ACTIONS, nodeMajorOfImage, PINNED_ACTION_PATTERN } from './supplyChain';

const minimal = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };
const issues = (values: Record<string, unknown>) => {
  const result = safeResolveServiceSpec({ ...minimal, ...values });
  if (result.ok) throw new Error('expected the spec to be refused');
  return result.issues;
};
const DIGEST = `sha256:${'0'.repeat(64)}`;

describe('registry login (image.push)', () => {
  it('uses GITHUB_TOKEN for ghcr.io and named secrets for any other registry by default', () => {
    expect(resolveServiceSpec(minimal).image.push).toEqual({ auth: 'github-token' });
    expect(resolveServiceSpec({ ...minimal, image: { registry: 'quay.io/acme' } }).image).toMatchObject({
      host: 'quay.io',
      push: { auth: 'secrets', usernameSecret: 'REGISTRY_USERNAME', passwordSecret: 'REGISTRY_PASSWORD' },
    });
  });

  it('refuses GITHUB_TOKEN for a registry that is not ghcr.io', () => {
    expect(issues({ image: { registry: 'docker.io/acme', push: { auth: 'github-token' } } })).toEqual([
      { path: 'image.push.auth', message: expect.stringContaining('github-token works only for ghcr.io, not docker.io') },
    ]);
  });

  it('reads the ECR region from the host and needs a role for aws-oidc', () => {
    const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team';
    const arn = 'arn:aws:iam::123456789012:role/ci-push';
    expect(resolveServiceSpec({ ...minimal, image: { registry, push: { auth: 'aws-oidc', awsRoleArn: arn } } }).image.push).toEqual({ auth: 'aws-oidc', awsRoleArn: arn, awsRegion: 'eu-west-1' });
    expect(issues({ image: { registry, push: { auth: 'aws-oidc' } } })).toEqual([{ path: 'image.push.awsRoleArn', message: expect.stringContaining('is required') }]);
    expect(issues({ image: { registry: 'ghcr.io/acme', push: { auth: 'aws-oidc', awsRoleArn: arn } } })[0]).toMatchObject({ path: 'image.registry' });
  });

  it('needs a provider and a service account for gcp-oidc on an Artifact Registry host', () => {
    expect(issues({ image: { registry: 'europe-west1-docker.pkg.dev/p/r', push: { auth: 'gcp-oidc' } } }).map(issue => issue.path)).toEqual([
      'image.push.gcpWorkloadIdentityProvider',
      'image.push.gcpServiceAccount',
    ]);
  });

  it('refuses secret names GitHub does not allow, and a pull secret that is not a name', () => {
    expect(issues({ image: { push: { passwordSecret: 'GITHUB_PAT' } } })[0]).toMatchObject({ path: 'image.push.passwordSecret' });
    expect(issues({ image: { pullSecret: 'Not A Name' } })[0]).toMatchObject({ path: 'image.pullSecret' });
  });
});

describe('base images and Node (ci.nodeVersion, ci.baseImages)', () => {
  it('derives both stages from the Node major', () => {
    expect(resolveServiceSpec({ ...minimal, ci: { nodeVersion: '24.1' } }).ci).toMatchObject({
      nodeMajor: 24,
      baseImages: { build: 'node:24-bookworm-slim', runtime: 'gcr.io/distroless/nodejs24-debian12:nonroot' },
    });
  });

  it('accepts images pinned by digest on the same major, and refuses another major or an unreadable one', () => {
    const build = `node:22-bookworm-slim@${DIGEST}`;
    expect(resolveServiceSpec({ ...minimal, ci: { baseImages: { build } } }).ci.baseImages.build).toBe(build);
    expect(issues({ ci: { baseImages: { runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot' } } })).toEqual([
      { path: 'ci.baseImages.runtime', message: expect.stringContaining('runs Node 20, but ci.nodeVersion is 22') },
    ]);
    expect(issues({ ci: { baseImages: { build: `node@${DIGEST}` } } })[0].message).toContain('must name its Node major');
    expect(issues({ ci: { baseImages: { build: 'node:latest' } } })[0]).toMatchObject({ path: 'ci.baseImages.build' });
  });

  it.each([
    ['node:22-bookworm-slim', 22],
    ['docker.io/library/node:20.19.0-alpine', 20],
    [`gcr.io/distroless/nodejs24-debian12:nonroot@${DIGEST}`, 24],
    ['registry.access.redhat.com/ubi9/nodejs-22-minimal', 22],
    ['node:lts', undefined],
    ['localhost:5000/node', undefined],
  ])('reads the Node major of %s', (image, major) => {
    expect(nodeMajorOfImage(image)).toBe(major);
  });
});

describe('actions (ci.actions)', () => {
  it('defaults to full commit SHAs with the release tag as a comment', () => {
    for (const uses of Object.values(DEFAULT_ACTIONS)) expect(uses).toMatch(new RegExp(PINNED_ACTION_PATTERN));
    expect(resolveServiceSpec(minimal).ci.actions.checkout).toBe(DEFAULT_ACTIONS.checkout);
  });

  it('refuses an action pinned by tag or branch', () => {
    expect(issues({ ci: { actions: { checkout: 'actions/checkout@v4' } } })).toEqual([
      { path: 'ci.actions.checkout', message: expect.stringContaining('full 40-character commit SHA') },
    ]);
  });
});
