import { isDeepStrictEqual } from 'util';
import { lineOfObjectPath } from '../load';
import type { LoadedObject, RepoModel, ValidationProblem } from '../types';
import type { PathSegment } from '@slipway/render';
import { manifestDirs, overlayDirectory } from '../kube';

/** The value at a path of objects and arrays (array indexes as numbers). */
function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/**
 * Whether a raw manifest can be where an overlay's object comes from: any file outside the
 * overlays (a base), or one of that overlay's own. Overlays holding a same-named object each
 * (an environment's redirect route, its PrometheusRule) then point each at its own file.
 */
function reachableFrom(model: RepoModel, candidate: LoadedObject, environment: string): boolean {
  return !candidate.file.startsWith(manifestDirs(model).overlays) || candidate.file.startsWith(`${overlayDirectory(environment, model)}/`);
}

/**
 * Where a field of a built object is written in the repo: the raw manifest (a base file) that
 * holds the same object with the same value there. A built overlay's problem then names the
 * file and line to edit instead of `deploy/overlays/<environment>`. Undefined when an overlay
 * patch set the value (or nothing in the repo matches): the overlay is then the place to look.
 */
export function sourceOfField(model: RepoModel, loaded: LoadedObject, path: readonly PathSegment[]): { file: string; line?: number } | undefined {
  if (loaded.environment === undefined) return { file: loaded.file, line: lineOfObjectPath(loaded, path) ?? loaded.line };
  const value = valueAt(loaded.object, path);
  const environment = loaded.environment;
  const raw = model.rawObjects.find(
    candidate =>
      reachableFrom(model, candidate, environment) &&
      candidate.object?.kind === loaded.object.kind &&
      candidate.object?.metadata?.name === loaded.object.metadata?.name &&
      isDeepStrictEqual(valueAt(candidate.object, path), value),
  );
  if (!raw) return undefined;
  return { file: raw.file, line: lineOfObjectPath(raw, path) ?? raw.line };
}

/** The problem, pointed at the repo file (and line) its field is written in, when one is found. */
export function atSource(model: RepoModel, loaded: LoadedObject, path: readonly PathSegment[], problem: ValidationProblem): ValidationProblem {
  const source = sourceOfField(model, loaded, path);
  if (!source) return problem;
  return { ...problem, file: source.file, ...(source.line ? { line: source.line } : {}) };
}
