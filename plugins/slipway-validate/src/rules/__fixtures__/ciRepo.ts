import { readFileSync } from 'fs';
import path from 'path';
import type { RepoModel, ValidationProblem } from '../../types';
import type { CheckUnit } from '../types';
import { renderExample, type RepoFiles } from './renderedRepo';

/**
 * Repos for the CI and Dockerfile units: they read files only, so a test runs the unit on the
 * files directly (no overlay build). `renderCi` renders the real generated repo; variants pass
 * spec overrides (registry logins, Node versions) on top of skeletons/node-service/examples/minimal.yaml.
 */

export const WORKFLOW = '.github/workflows/ci.yaml';

/** The workflow Slipway generated before issue 8, with the defects the units must catch. */
export const DEFECTIVE_WORKFLOW = readFileSync(path.join(__dirname, 'defective-ci.yaml'), 'utf8');

const MINIMAL = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };

/** Spec overrides for every registry login the skeleton renders. */
export const REGISTRY_VARIANTS: Record<string, Record<string, unknown>> = {
  ghcr: {},
  'docker hub (secrets)': { image: { registry: 'docker.io/acme', push: { usernameSecret: 'DOCKERHUB_USERNAME', passwordSecret: 'DOCKERHUB_TOKEN' } } },
  'amazon ecr (oidc)': {
    image: { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team', push: { auth: 'aws-oidc', awsRoleArn: 'arn:aws:iam::123456789012:role/ci-push' } },
  },
  'artifact registry (oidc)': {
    database: 'postgres',
    image: {
      registry: 'europe-west1-docker.pkg.dev/acme-prod/services',
      push: {
        auth: 'gcp-oidc',
        gcpWorkloadIdentityProvider: 'projects/123456/locations/global/workloadIdentityPools/github/providers/github',
        gcpServiceAccount: 'ci-push@acme-prod.iam.gserviceaccount.com',
      },
      pullSecret: 'gar-pull',
    },
  },
};

export async function renderCi(example: 'minimal' | 'postgres' | 'three-environments' | Record<string, unknown> = 'minimal'): Promise<RepoFiles> {
  return renderExample(typeof example === 'string' ? example : { ...MINIMAL, ...example });
}

export function modelOf(files: RepoFiles | Record<string, string>): RepoModel {
  return { files: files instanceof Map ? new Map(files) : new Map(Object.entries(files)), environments: new Map(), rawObjects: [] };
}

export function problemsOf(unit: CheckUnit, files: RepoFiles | Record<string, string>): ValidationProblem[] {
  return unit.run(modelOf(files));
}

/** The generated repo with its workflow replaced. */
export function withWorkflow(files: RepoFiles, text: string, file = WORKFLOW): RepoFiles {
  return new Map(files).set(file, text);
}
