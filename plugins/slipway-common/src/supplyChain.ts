/*
 * What the generated CI builds on and pushes to: the registry and how CI logs in to it, the
 * base images of the Dockerfile, and the GitHub Actions the workflow runs. The spec
 * (spec.ts) holds the user's choices; this module holds the defaults and the rules that
 * relate fields to each other, so the resolver, the skeleton and the tests share them.
 */

/** How CI authenticates to the registry it pushes to. */
export const REGISTRY_AUTH_METHODS = ['github-token', 'secrets', 'aws-oidc', 'gcp-oidc'] as const;
export type RegistryAuthMethod = (typeof REGISTRY_AUTH_METHODS)[number];

/** GitHub's own registry: the only one the workflow's GITHUB_TOKEN can log in to. */
export const GITHUB_REGISTRY_HOST = 'ghcr.io';

/** `<account>.dkr.ecr.<region>.amazonaws.com` (the region is read from the host). */
export const ECR_HOST_PATTERN = '^[0-9]{12}\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com$';
/** `<location>-docker.pkg.dev`: Google Artifact Registry's Docker hosts. */
export const ARTIFACT_REGISTRY_HOST_PATTERN = '^[a-z0-9-]+-docker\\.pkg\\.dev$';
export const AWS_ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$';
export const GCP_WORKLOAD_IDENTITY_PROVIDER_PATTERN =
  '^projects/[0-9]+/locations/global/workloadIdentityPools/[a-z0-9-]{4,32}/providers/[a-z0-9-]{4,32}$';
export const GCP_SERVICE_ACCOUNT_PATTERN = '^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\\.iam\\.gserviceaccount\\.com$';
/** A GitHub Actions secret name; GitHub reserves the GITHUB_ prefix. */
export const GITHUB_SECRET_NAME_PATTERN = '^(?!GITHUB_)[A-Z_][A-Z0-9_]*$';

/** The registry's host: `ghcr.io/acme` → `ghcr.io`. */
export function registryHostOf(registry: string): string {
  return registry.split('/')[0];
}

/** What the workflow needs to log in, after defaults: one shape per method. */
export type ResolvedRegistryPush =
  | { auth: 'github-token' }
  | { auth: 'secrets'; usernameSecret: string; passwordSecret: string }
  | { auth: 'aws-oidc'; awsRoleArn: string; awsRegion: string }
  | { auth: 'gcp-oidc'; gcpWorkloadIdentityProvider: string; gcpServiceAccount: string };

export interface RegistryPushInput {
  auth?: RegistryAuthMethod;
  usernameSecret: string;
  passwordSecret: string;
  awsRoleArn?: string;
  gcpWorkloadIdentityProvider?: string;
  gcpServiceAccount?: string;
}

export interface RegistryIssue {
  /** Path below `image.push`, or `image.registry`. */
  path: string;
  message: string;
}

/** Default: GITHUB_TOKEN for ghcr.io (it works nowhere else), named secrets for any other registry. */
export function defaultRegistryAuth(registry: string): RegistryAuthMethod {
  return registryHostOf(registry) === GITHUB_REGISTRY_HOST ? 'github-token' : 'secrets';
}

/**
 * Resolves how CI logs in, or says which fields are missing or contradict the registry.
 * GITHUB_TOKEN is accepted by ghcr.io only ("authenticate to GitHub Packages with the
 * GITHUB_TOKEN", docs.github.com packages/working-with-a-github-packages-registry/working-with-the-container-registry).
 */
export function resolveRegistryPush(registry: string, input: RegistryPushInput): { push?: ResolvedRegistryPush; issues: RegistryIssue[] } {
  const host = registryHostOf(registry);
  const auth = input.auth ?? defaultRegistryAuth(registry);
  const issues: RegistryIssue[] = [];
  const need = (field: keyof RegistryPushInput, why: string) => issues.push({ path: `image.push.${field}`, message: `is required when image.push.auth is ${auth} (${why})` });
  switch (auth) {
    case 'github-token':
      if (host !== GITHUB_REGISTRY_HOST) {
        issues.push({
          path: 'image.push.auth',
          message: `github-token works only for ${GITHUB_REGISTRY_HOST}, not ${host}: use secrets, aws-oidc (Amazon ECR) or gcp-oidc (Artifact Registry)`,
        });
        return { issues };
      }
      return { push: { auth }, issues };
    case 'secrets':
      return { push: { auth, usernameSecret: input.usernameSecret, passwordSecret: input.passwordSecret }, issues };
    case 'aws-oidc': {
      const region = new RegExp(ECR_HOST_PATTERN).exec(host)?.[1];
      if (!region) issues.push({ path: 'image.registry', message: `must be an Amazon ECR host (<account>.dkr.ecr.<region>.amazonaws.com) when image.push.auth is aws-oidc, not ${host}` });
      if (!input.awsRoleArn) need('awsRoleArn', 'the IAM role GitHub OIDC assumes to push');
      return region && input.awsRoleArn ? { push: { auth, awsRoleArn: input.awsRoleArn, awsRegion: region }, issues } : { issues };
    }
    case 'gcp-oidc': {
      if (!new RegExp(ARTIFACT_REGISTRY_HOST_PATTERN).test(host)) {
        issues.push({ path: 'image.registry', message: `must be an Artifact Registry host (<location>-docker.pkg.dev) when image.push.auth is gcp-oidc, not ${host}` });
      }
      if (!input.gcpWorkloadIdentityProvider) need('gcpWorkloadIdentityProvider', 'the workload identity provider that trusts this repository');
      if (!input.gcpServiceAccount) need('gcpServiceAccount', 'the service account allowed to push');
      return issues.length === 0
        ? { push: { auth, gcpWorkloadIdentityProvider: input.gcpWorkloadIdentityProvider!, gcpServiceAccount: input.gcpServiceAccount! }, issues }
        : { issues };
    }
  }
}

/**
 * The Node major an image runs, read from its name: `node:22-bookworm-slim` → 22,
 * `gcr.io/distroless/nodejs22-debian12` → 22, `registry.access.redhat.com/ubi9/nodejs-22` → 22.
 * Undefined when the name does not say (`node:lts`, `node@sha256:…`).
 */
export function nodeMajorOfImage(image: string): number | undefined {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const repository = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : undefined;
  const last = repository.slice(repository.lastIndexOf('/') + 1);
  const named = /^nodejs-?([0-9]+)(?:-|$)/.exec(last);
  if (named) return Number(named[1]);
  if (last === 'node' && tag) {
    const version = /^v?([0-9]+)(?:[.-]|$)/.exec(tag);
    if (version) return Number(version[1]);
  }
  return undefined;
}

/** The major of a Node version such as 22, 22.11 or 22.11.0. */
export function nodeMajorOfVersion(version: string): number {
  return Number(version.split('.')[0]);
}

/**
 * The Dockerfile's default base images for a Node major: both stages follow `ci.nodeVersion`,
 * so the build compiles on the Node major the distroless runtime runs. They are pinned by tag:
 * a digest cannot be established without reaching the registry, and the validator says so.
 */
export function defaultBaseImages(nodeMajor: number): { build: string; runtime: string } {
  return {
    build: `node:${nodeMajor}-bookworm-slim`,
    runtime: `gcr.io/distroless/nodejs${nodeMajor}-debian12:nonroot`,
  };
}

/**
 * The actions the workflow runs, pinned to the full commit SHA of a release tag, with the tag
 * as a comment (the form Dependabot and Renovate update). Each SHA is the commit the tag names
 * in the action's own repository (`git rev-parse <tag>^{commit}`, the tag an ancestor of the
 * default branch), read from a snapshot of that repository.
 */
export const DEFAULT_ACTIONS = {
  checkout: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
  setupNode: 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0',
  setupBuildx: 'docker/setup-buildx-action@37fe631027851001ddb9b187196cc803df7f5f0e # v4.3.0',
  login: 'docker/login-action@4907a6ddec9925e35a0a9e82d7399ccc52663121 # v4.1.0',
  buildPush: 'docker/build-push-action@53b7df96c91f9c12dcc8a07bcb9ccacbed38856a # v7.3.0',
  configureAwsCredentials: 'aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3',
  googleAuth: 'google-github-actions/auth@7c6bc770dae815cd3e89ee6cdf493a5fab2cc093 # v3.0.0',
  // v3.1.1 (git rev-parse v3.1.1^{commit} in actions/create-github-app-token).
  createAppToken: 'actions/create-github-app-token@1b10c78c7865c340bc4f6099eb2f838309f1e8c3 # v3.1.1',
} as const;

/** `owner/repo[/path]@<40-hex SHA>`, optionally followed by ` # <release tag>`. */
export const PINNED_ACTION_PATTERN = '^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}( # [A-Za-z0-9_.+-]+)?$';
