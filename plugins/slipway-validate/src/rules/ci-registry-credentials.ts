import type { ValidationProblem } from '../types';
import { asRecord, asString } from '../kube';
import { ECR_HOST_PATTERN, GITHUB_REGISTRY_HOST, registryHostOf } from '@slipway/common';
import { embeddedExpressions, interpolate, type Value } from '../workflows/expressions';
import { actionName, workflowProblem, workflowsOf, type Workflow, type WorkflowJob, type WorkflowStep } from '../workflows/workflow';
import { usesOidc } from '../workflows/jobs';
import { defineCheck } from './types';

/**
 * Registry logins that cannot work, or leak more than they should:
 * - GITHUB_TOKEN (secrets.GITHUB_TOKEN, github.token) authenticates to GitHub only: "you can use
 *   a GITHUB_TOKEN in a GitHub Actions workflow to [...] publish packages associated with the
 *   workflow repository" (GitHub, working with the Container registry). Docker Hub, ECR, GAR and
 *   every other registry reject it, and the token would be sent to a third party.
 * - Amazon ECR without a username and password needs AWS credentials in the job (docker/login-action
 *   README: configure-aws-credentials first), and any OIDC login needs `id-token: write`
 *   ("the job or workflow run requires a permissions setting with id-token: write", GitHub,
 *   OpenID Connect).
 */

const ID = 'ci-registry-credentials';
const GITHUB_TOKEN = /\bsecrets\.GITHUB_TOKEN\b|\bgithub\.token\b/i;

/** Values of the workflow's and job's env that are plain strings, for `${{ env.X }}`. */
function envContext(job: WorkflowJob, step: WorkflowStep): Map<string, Value> {
  const known = new Map<string, Value>();
  for (const [key, value] of Object.entries({ ...job.env, ...step.env })) {
    if (!embeddedExpressions(value).length) known.set(`env.${key}`, value);
  }
  return known;
}

function effectivePermissions(workflow: Workflow, job: WorkflowJob): unknown {
  return job.record.permissions ?? workflow.record.permissions;
}

function grantsIdToken(permissions: unknown): boolean | undefined {
  if (permissions === undefined) return undefined; // repository default: cannot tell, and ci-least-privilege reports it
  if (permissions === 'write-all') return true;
  return asRecord(permissions)?.['id-token'] === 'write';
}

function checkJob(workflow: Workflow, job: WorkflowJob): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  job.steps.forEach((step, position) => {
    const name = actionName(step.uses);
    if (name === 'docker/login-action') {
      const registry = interpolate(asString(step.with.registry) ?? 'docker.io', envContext(job, step)).value;
      const host = registryHostOf(registry);
      const password = String(step.with.password ?? '');
      if (GITHUB_TOKEN.test(password) && !host.includes('${{') && host !== GITHUB_REGISTRY_HOST) {
        out.push(workflowProblem('ci', ID, workflow, [...step.path, 'with', 'password'],
          `logs in to ${host} with the workflow's GITHUB_TOKEN, which only ${GITHUB_REGISTRY_HOST} accepts: the login fails and the token goes to a third party. ` +
          'Use that registry\'s credentials from named secrets, or OIDC (aws-actions/configure-aws-credentials for ECR, google-github-actions/auth for Artifact Registry)'));
      }
      const ecr = new RegExp(ECR_HOST_PATTERN).test(host);
      const earlierAws = job.steps.slice(0, position).some(earlier => actionName(earlier.uses) === 'aws-actions/configure-aws-credentials');
      const awsEnv = Object.keys({ ...job.env, ...step.env }).some(key => key === 'AWS_ACCESS_KEY_ID' || key === 'AWS_ROLE_ARN');
      if (ecr && step.with.username === undefined && step.with.password === undefined && !earlierAws && !awsEnv) {
        out.push(workflowProblem('ci', ID, workflow, step.path,
          `logs in to Amazon ECR (${host}) without a username, a password or AWS credentials in the job: add aws-actions/configure-aws-credentials (role-to-assume, with id-token: write) before it`));
      }
    }
    const holdsToken = GITHUB_TOKEN.test(step.run ?? '') || Object.values(step.env).some(value => GITHUB_TOKEN.test(value));
    if (holdsToken) {
      for (const match of (step.run ?? '').matchAll(/\b(?:docker|podman|buildah|helm\s+registry)\s+login\b[^\n]*?\s([a-z0-9.-]+\.[a-z]{2,}(?::[0-9]+)?)\b/g)) {
        if (match[1] !== GITHUB_REGISTRY_HOST) {
          out.push(workflowProblem('ci', ID, workflow, [...step.path, 'run'],
            `runs a registry login to ${match[1]} in a step that holds the GITHUB_TOKEN, which only ${GITHUB_REGISTRY_HOST} accepts: use that registry's own credentials from named secrets, or OIDC`));
        }
      }
    }
  });
  if (usesOidc(job) && grantsIdToken(effectivePermissions(workflow, job)) === false) {
    out.push(workflowProblem('ci', ID, workflow, [...job.path, job.record.permissions === undefined ? 'steps' : 'permissions'],
      'logs in with OIDC but the job\'s token has no id-token: write, so GitHub issues no OIDC token and the login fails: add id-token: write to this job\'s permissions'));
  }
  return out;
}

export const ciRegistryCredentials = defineCheck({
  id: ID,
  check: 'ci',
  summary:
    'Registry logins can work: the GITHUB_TOKEN is used only for ghcr.io, an ECR login has AWS credentials in its job, and every OIDC login runs in a job granted id-token: write.',
  remediation:
    'For ghcr.io use secrets.GITHUB_TOKEN with packages: write; for other registries use named secrets (username/password) or OIDC: aws-actions/configure-aws-credentials or google-github-actions/auth, with id-token: write on the job.',
  source:
    'https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-container-registry; https://github.com/docker/login-action#aws-elastic-container-registry-ecr; https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect',
  run: model => workflowsOf(model).flatMap(workflow => workflow.jobs.flatMap(job => checkJob(workflow, job))),
});
