import type { RepoModel } from '../types';
import { parseYamlFile } from '@slipway/render';

/**
 * YAML files read straight from `model.files`, for checks over files that are not
 * deployed objects (workflows, catalog-info.yaml) or that must see every file (secrets).
 * Syntax errors are the yaml stage's to report: a broken document is skipped here.
 */

export interface YamlDocument {
  /** 0-based index of the document in its file. */
  index: number;
  value: unknown;
}

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/** Documents of a file, through the pipeline's shared (cached) parse; pass the path so the cache hits. */
export function parseYamlDocuments(text: string, path = ''): YamlDocument[] {
  return parseYamlFile(path, text)
    .documents.map((document, index) => ({ index, value: document.value }))
    .filter(document => document.value !== null && document.value !== undefined);
}

export function yamlFiles(model: RepoModel, accept: (path: string) => boolean = () => true): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const [path, text] of model.files) {
    if (isYamlPath(path) && accept(path)) out.push({ path, text });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
