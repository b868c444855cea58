import { ruleById, type RuleId } from './rules';
import { CheckKind, ValidationProblem, ValidationReport } from './types';

/** Pipeline order, so the report reads in the order a fix should be made. */
const CHECK_ORDER: CheckKind[] = ['yaml', 'schema', 'kustomize', 'policy', 'reference', 'ci', 'catalog'];

function locationOf(problem: ValidationProblem): string {
  if (problem.file && problem.environment) return `${problem.file} [${problem.environment}]`;
  return problem.file ?? (problem.environment ? `[${problem.environment}]` : '(repository)');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function problemLine(problem: ValidationProblem): string {
  const where = [problem.line ? `line ${problem.line}` : undefined, problem.object].filter(Boolean).join(' ');
  // Checks often start their message with the object; the location already names it.
  const message = problem.object && problem.message.startsWith(`${problem.object} `) ? problem.message.slice(problem.object.length + 1) : problem.message;
  const [first, ...rest] = message.split('\n');
  const text = `${where ? `${where}: ` : ''}${first} [${problem.rule}]`;
  return [`    ${text}`, ...rest.map(line => `      ${line}`)].join('\n');
}

/**
 * A report for people: problems grouped by check, then by file (and environment for built
 * overlays), then the notices, then a one-line summary.
 */
export function formatValidationReport(report: ValidationReport): string {
  const lines: string[] = [];
  const byCheck = groupBy(report.problems, problem => problem.check);
  const checks = [...byCheck.keys()].sort((a, b) => CHECK_ORDER.indexOf(a as CheckKind) - CHECK_ORDER.indexOf(b as CheckKind));
  for (const check of checks) {
    const problems = byCheck.get(check)!;
    lines.push(`${check} (${plural(problems.length, 'problem')})`);
    for (const [location, group] of groupBy(problems, locationOf)) {
      lines.push(`  ${location}`);
      const sorted = [...group].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      lines.push(...sorted.map(problemLine));
    }
    lines.push('');
  }
  // What to do, once per rule (the registry's remediation; RULES.md has the whole list).
  const fixes = [...new Set(report.problems.map(problem => problem.rule))]
    .map(rule => [rule, ruleById(rule)?.remediation] as const)
    .filter((entry): entry is readonly [RuleId, string] => entry[1] !== undefined);
  if (fixes.length) {
    lines.push('How to fix:', ...fixes.map(([rule, remediation]) => `  [${rule}] ${remediation}`), '');
  }
  if (report.notices.length) {
    lines.push('Notices:', ...report.notices.map(notice => `  - ${notice}`), '');
  }
  const overlays = `overlays built: ${report.stats.overlaysBuilt.join(', ') || 'none'}`;
  if (report.problems.length === 0) {
    lines.push(`No problems in ${plural(report.stats.files, 'file')} and ${plural(report.stats.objects, 'object')} (${overlays})`);
  } else {
    const locations = new Set(report.problems.map(locationOf)).size;
    lines.push(`${plural(report.problems.length, 'problem')} in ${plural(locations, 'file')} (${overlays})`);
  }
  return lines.join('\n');
}
