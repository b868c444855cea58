import { SpecIssue, ServiceSpec, safeResolveServiceSpec } from '@slipway/common';
import { CliError } from './errors';
import { readInputFile } from './input-file';
import { parseYamlInput } from './yaml-input';

/** Reads a YAML (or JSON) values file into a plain object. Throws `CliError` (exit 2). */
export async function readValuesFile(file: string): Promise<Record<string, unknown>> {
  const text = await readInputFile(file, 'values file');
  const values = parseYamlInput(text, `values file ${file}`);
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
