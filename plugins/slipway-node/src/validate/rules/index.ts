import type { CheckUnit, RuleDefinition } from './types';

export type { CheckUnit, RuleDefinition } from './types';
export { defineCheck, defineRules } from './types';

/**
 * Every rule the validator reports. Families of rules reported by the older multi-rule
 * check functions are listed as data (`rules/<family>.ts`); newer checks are units
 * (`CheckUnit`) whose definition is the rule itself. Add a family or a unit with one line here.
 */
const RULE_FAMILIES: ReadonlyArray<readonly RuleDefinition[]> = [];

/** Checks that are one unit each; the pipeline runs them after the policy and reference checks. */
export const CHECK_UNITS: readonly CheckUnit[] = [];

export const RULES: readonly RuleDefinition[] = [...RULE_FAMILIES.flat(), ...CHECK_UNITS];

const byId = new Map(RULES.map(rule => [rule.id, rule]));

/** The definition of a rule id, or undefined for an id no rule declares. */
export function ruleById(id: string): RuleDefinition | undefined {
  return byId.get(id);
}
