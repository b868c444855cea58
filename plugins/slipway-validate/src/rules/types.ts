import type { CheckKind, RepoModel, ValidationProblem } from '../types';

/**
 * One rule of the validator, as kube-linter describes its checks: a stable id, what must
 * hold, and what to do when it does not. The rule list in plugins/slipway-validate/RULES.md is
 * generated from these (scripts/generate-rules-doc.js; test/rules-doc.test.ts fails on drift).
 */
export interface RuleDefinition<Id extends string = string> {
  /** Stable kebab-case id, shown in every problem as `[id]`. */
  id: Id;
  /** The stage that reports it. */
  check: CheckKind;
  /** One line: what must hold, and why it matters on a real cluster. */
  summary: string;
  /** What to change when it does not hold. */
  remediation: string;
  /**
   * The upstream documentation or source that grounds the rule (a URL, or `owner/repo path`),
   * for rules about what Argo CD, Argo Rollouts, Prometheus, Kubernetes or GitHub Actions do.
   */
  source?: string;
}

/**
 * A check that is one unit: its rule and the function that finds breaches of it. `run`
 * reports only problems with `rule === id`, never throws on malformed input, and reads
 * nothing but the model (so it works on any repo, not only Slipway's own output).
 */
export interface CheckUnit<Id extends string = string> extends RuleDefinition<Id> {
  run(model: RepoModel): ValidationProblem[];
}

/**
 * What `defineCheck` accepts. `run` returns `void` here on purpose: a unit's id becomes part
 * of `RuleId`, which the problem builders its own `run` calls are typed with, so TypeScript
 * must learn the id without typing the body (a `ValidationProblem[]` here makes every unit
 * circular, TS7022). CHECK_UNITS is then checked against `CheckUnit`, where the body's real
 * return type is compared.
 */
export interface CheckUnitDeclaration extends RuleDefinition {
  run(model: RepoModel): void;
}

/** Declares a rule list with its ids kept as literal types (for RuleId). */
export function defineRules<const T extends readonly RuleDefinition[]>(rules: T): T {
  return rules;
}

/**
 * Declares a check unit, keeping its id and check as literal types (for RuleId). Do not
 * annotate the result as `CheckUnit`: that widens the id to `string`.
 */
export function defineCheck<const U extends CheckUnitDeclaration>(unit: U): U {
  return unit;
}
