import { promises as fs } from 'fs';
import { parseDocument } from 'yaml';
import { SpecIssue, ServiceSpec, safeResolveServiceSpec } from '@slipway/common';
import { CliError } from './errors';

/** Reads a YAML (or JSON) values file into a plain object. Throws `CliError` (exit 2). */
export async function readValuesFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read values file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    throw new CliError(`values file ${file} is not valid YAML:\n${doc.errors.map(e => `  ${e.message}`).join('\n')}`);
  }
  const values: unknown = doc.toJS();
  if (values === null || values === undefined) throw new CliError(`values file ${file} is empty: it needs at least name, owner and description`);
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new CliError(`values file ${file} must hold a mapping of spec fields (name, owner, description, …)`);
  }
  return values as Record<string, unknown>;
}

export function formatSpecIssues(file: string, issues: SpecIssue[]): string {
  return `Invalid values in ${file}:\n${issues.map(issue => `  ${issue.path}: ${issue.message}`).join('\n')}`;
}

/** Reads and resolves the spec; every spec error becomes one `field: rule` line of a `CliError` (exit 2). */
export async function readServiceSpec(file: string): Promise<{ values: Record<string, unknown>; spec: ServiceSpec }> {
  const values = await readValuesFile(file);
  const result = safeResolveServiceSpec(values);
  if (!result.ok) throw new CliError(formatSpecIssues(file, result.issues));
  return { values, spec: result.spec };
}
