import { parseAllDocuments } from 'yaml';
import type { RepoModel } from '../../types';

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

export function parseYamlDocuments(text: string): YamlDocument[] {
  const out: YamlDocument[] = [];
  let documents;
  try {
    documents = parseAllDocuments(text);
  } catch {
    return out;
  }
  // parseAllDocuments returns an EmptyStream (not an array) for blank input.
  if (!Array.isArray(documents)) return out;
  documents.forEach((document, index) => {
    if (document.errors.length > 0) return;
    try {
      const value: unknown = document.toJS({ maxAliasCount: 100 });
      if (value !== null && value !== undefined) out.push({ index, value });
    } catch {
      // Alias bombs and the like: skip, the yaml stage reports them.
    }
  });
  return out;
}

export function yamlFiles(model: RepoModel, accept: (path: string) => boolean = () => true): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const [path, text] of model.files) {
    if (isYamlPath(path) && accept(path)) out.push({ path, text });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
