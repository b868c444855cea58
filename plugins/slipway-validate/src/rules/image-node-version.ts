import { nodeMajorOfImage } from '@slipway/common';
import type { ValidationProblem } from '../types';
import { asString } from '../kube';
import { baseImageOf, buildStagesOf, dockerfilesOf, isRegistryImage } from '../workflows/dockerfile';
import { actionName, workflowProblem, workflowsOf } from '../workflows/workflow';
import { defineCheck } from './types';

/**
 * One Node major from test to runtime: the stages that build what the runtime stage copies
 * (node_modules, compiled output) run the runtime's Node major, and CI's setup-node tests on it.
 * Native addons are built against one Node ABI (a module built for another major fails to load:
 * "was compiled against a different Node.js version using NODE_MODULE_VERSION"), engines checks
 * and `npm ci` resolve for the Node that runs them, and tests on another major prove little.
 *
 * A runtime without Node (nginx serving what a Node stage built, a static frontend) has no Node
 * to match, but its build stages still run one: CI's `npm ci` and `npm test` must run on that
 * major, or they prove the build on another Node than the one that makes the image.
 */

const ID = 'image-node-version';

function checkRepo(model: Parameters<typeof dockerfilesOf>[0]): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  /** The Node major each image runs (its runtime's, or its build stages' when the runtime has none), and what says so. */
  const imageMajors = new Map<number, string>();
  for (const dockerfile of dockerfilesOf(model)) {
    const final = dockerfile.stages[dockerfile.stages.length - 1];
    if (!final) continue;
    const runtimeImage = baseImageOf(final);
    const runtime = nodeMajorOfImage(runtimeImage);
    const built = buildStagesOf(dockerfile).map(stage => ({
      stage,
      image: baseImageOf(stage),
      major: stage.baseStage || isRegistryImage(stage) ? nodeMajorOfImage(baseImageOf(stage)) : undefined,
    }));
    if (runtime === undefined) {
      const majors = new Set(built.map(entry => entry.major).filter((major): major is number => major !== undefined));
      if (majors.size === 1) imageMajors.set([...majors][0], `the image's build stages (${dockerfile.file}; its runtime has no Node) run`);
      continue;
    }
    imageMajors.set(runtime, `the image (${dockerfile.file}) runs`);
    for (const { stage, image, major } of built) {
      if (major !== undefined && major !== runtime) {
        out.push({
          check: 'policy',
          rule: ID,
          file: dockerfile.file,
          line: stage.line,
          message: `${dockerfile.file} FROM ${image}${stage.name ? ` AS ${stage.name}` : ''}: builds on Node ${major}, but the runtime stage runs Node ${runtime} (${runtimeImage}): ` +
            'what it installs and compiles (native addons, engines checks) is for another Node. Use one Node major for both stages',
        });
      }
    }
  }
  if (imageMajors.size !== 1) return out;
  const [[runtime, runs]] = [...imageMajors];
  for (const workflow of workflowsOf(model)) {
    for (const job of workflow.jobs) {
      for (const step of job.steps) {
        if (actionName(step.uses) !== 'actions/setup-node') continue;
        const version = step.with['node-version'];
        const text = typeof version === 'number' ? String(version) : asString(version);
        const major = text && /^v?([0-9]+)(\.|$)/.exec(text.trim())?.[1];
        if (major && Number(major) !== runtime) {
          out.push(workflowProblem('policy', ID, workflow, [...step.path, 'with', 'node-version'],
            `tests on Node ${major}, but ${runs} Node ${runtime}: test on the Node major the image runs and is built with`));
        }
      }
    }
  }
  return out;
}

export const imageNodeVersion = defineCheck({
  id: ID,
  check: 'policy',
  summary:
    'The Dockerfile\'s build stages run the Node major of its runtime stage, and CI\'s setup-node tests on that major too (on the build stages\' major when the runtime has no Node, as nginx serving a build).',
  remediation: 'Derive every Node version from one value (in Slipway: ci.nodeVersion) for the build stage, the runtime image and setup-node.',
  source: 'https://nodejs.org/en/learn/modules/abi-stability (NODE_MODULE_VERSION changes with the major); https://docs.docker.com/build/building/multi-stage/',
  run: checkRepo,
});
