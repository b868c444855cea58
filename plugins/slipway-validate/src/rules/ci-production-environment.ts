import type { ValidationProblem } from '../types';
import { deployEnvironments, environmentTemplate, isDeployJob } from '../workflows/jobs';
import { productionMatcher } from '../promotionOrder';
import { runsOf } from '../workflows/scenarios';
import { workflowProblem, workflowsOf, type Workflow } from '../workflows/workflow';
import { defineCheck } from './types';

/**
 * A production deploy job names its GitHub Environment. "You can configure environments with
 * protection rules and secrets. When a workflow job references an environment, the job won't
 * start until all of the environment's protection rules pass" (GitHub, deployments and
 * environments): required reviewers, a wait timer, and which branches and tags may deploy.
 * A job that deploys production without `environment:` skips all of them.
 */

const ID = 'ci-production-environment';

function checkWorkflow(workflow: Workflow, isProductionName: (environment: string) => boolean): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const job of workflow.jobs) {
    if (!isDeployJob(job)) continue;
    const template = environmentTemplate(job);
    const production = runsOf(workflow, job).find(scenario => deployEnvironments(job, scenario.known).some(isProductionName));
    if (!production) continue;
    if (template === undefined) {
      out.push(workflowProblem('ci', ID, workflow, job.path,
        `deploys to ${deployEnvironments(job, production.known).filter(isProductionName).join(', ')} (${production.label}) without environment:, so no required reviewer, wait timer or deployment-tag rule can stop it. ` +
        'Add environment: production and set its protection rules in the repository settings'));
    }
  }
  return out;
}

export const ciProductionEnvironment = defineCheck({
  id: ID,
  check: 'ci',
  summary: 'A job that deploys to production declares environment: <production>, so the environment\'s protection rules (required reviewers, allowed tags) gate it.',
  remediation: 'Add environment: production to the job, then in Settings → Environments → production add required reviewers and allow only v* tags to deploy.',
  source: 'https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment',
  // Production: named like it, or the last environment catalog-info.yaml declares (slipway.dev/environments).
  run: model => {
    const isProduction = productionMatcher(model.files);
    return workflowsOf(model).flatMap(workflow => checkWorkflow(workflow, isProduction));
  },
});
