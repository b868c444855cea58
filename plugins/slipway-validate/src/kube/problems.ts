import type { RuleIdOf } from '../rules';
import type { CheckKind, LoadedObject, ValidationProblem } from '../types';
import { objectRef } from './objectSets';

/**
 * Builds a problem about one object. The message reads
 * `Kind/name field.path: what is wrong and the rule it breaks`, so a reader can find
 * the field without looking up the rule id. `rule` must be a registered rule of `check`
 * (validate/rules), so a misspelt id fails `tsc`.
 */
export function objectProblem<K extends CheckKind>(
  check: K,
  rule: RuleIdOf<K>,
  loaded: LoadedObject,
  field: string,
  text: string,
): ValidationProblem {
  const object = objectRef(loaded.object);
  const problem: ValidationProblem = {
    check,
    rule,
    message: field ? `${object} ${field}: ${text}` : `${object}: ${text}`,
    file: loaded.file,
    object,
  };
  if (loaded.environment !== undefined) problem.environment = loaded.environment;
  return problem;
}

/** A problem about a file that is not a Kubernetes object (workflows, catalog-info.yaml). */
export function fileProblem<K extends CheckKind>(check: K, rule: RuleIdOf<K>, file: string, field: string, text: string): ValidationProblem {
  return { check, rule, file, message: field ? `${file} ${field}: ${text}` : `${file}: ${text}` };
}

/** Binds check and rule once, for modules that emit one rule family. */
export function problemsFor<K extends CheckKind>(check: K) {
  return (rule: RuleIdOf<K>, loaded: LoadedObject, field: string, text: string): ValidationProblem =>
    objectProblem(check, rule, loaded, field, text);
}
