import { promises as fs } from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { resolveServiceSpec } from '@slipway/common';
import { builtInGoldenPath, type BuiltInGoldenPathId } from '@slipway/skeletons';
import { renderGoldenPath, renderService, type RenderedFile } from '@slipway/render';
import { requireShippedKustomize } from '../../kustomize';
import { validateRenderedFiles } from '../../pipeline';
import type { ValidationProblem } from '../../types';
import type { CheckUnit } from '../types';

/**
 * The real generated repo for a check unit's tests: render an example values file, let a test
 * edit the files (reintroducing a defect), build the overlays with the kubectl shipped for tests,
 * and run only the unit under test.
 */

const REPO_ROOT = path.resolve(__dirname, '../../../../..');

export type RepoFiles = Map<string, string>;

export async function renderExample(example: 'minimal' | 'postgres' | 'three-environments' | Record<string, unknown>): Promise<RepoFiles> {
  const values = typeof example === 'string' ? parse(await fs.readFile(path.join(REPO_ROOT, 'skeletons/node-service/examples', `${example}.yaml`), 'utf8')) : example;
  const files = await renderService(resolveServiceSpec(values));
  return new Map(files.map(file => [file.path, file.content]));
}

/** The repo another built-in golden path generates from one of its examples (skeletons/<id>/examples/<example>.yaml). */
export async function renderGoldenPathExample(id: BuiltInGoldenPathId, example: string): Promise<RepoFiles> {
  const goldenPath = builtInGoldenPath(id);
  const resolved = goldenPath.resolve(parse(await fs.readFile(path.join(goldenPath.dir, 'examples', `${example}.yaml`), 'utf8')));
  if (!resolved.ok) throw new Error(`${id} example ${example}: ${resolved.issues.map(issue => `${issue.path}: ${issue.message}`).join('; ')}`);
  const files = await renderGoldenPath(goldenPath, resolved.spec);
  return new Map(files.map(file => [file.path, file.content]));
}

/** Replaces `from` (which must occur) with `to` in one file. */
export function editFile(files: RepoFiles, file: string, from: string | RegExp, to: string): RepoFiles {
  const text = files.get(file);
  if (text === undefined) throw new Error(`no file ${file}`);
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${String(from)} not found in ${file}`);
  return new Map(files).set(file, next);
}

export async function unitProblems(unit: CheckUnit, files: RepoFiles): Promise<ValidationProblem[]> {
  const rendered: RenderedFile[] = [...files].map(([filePath, content]) => ({ path: filePath, content, executable: false }));
  const report = await validateRenderedFiles(rendered, {
    kustomize: await requireShippedKustomize(),
    policyChecks: [],
    referenceChecks: [],
    checkUnits: [unit],
  });
  return report.problems.filter(problem => problem.rule === unit.id);
}
