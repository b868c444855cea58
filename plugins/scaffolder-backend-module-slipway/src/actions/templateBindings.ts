import { GENERATE_ACTION_ID } from './generate';
import { SERVICE_GENERATE_ACTION_ID, SERVICE_GENERATE_ACTION_ONLY_INPUTS } from './serviceGenerate';

/** `${{ parameters.X }}` as a whole value: the form field X feeds that input unchanged. */
const SOLE_PARAMETER = /^\$\{\{\s*parameters\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;

export interface TemplateBindings {
  /** False when the template has no `slipway:generate` (or `slipway:service:generate`) step. */
  found: boolean;
  /** The golden path the step renders (its `goldenPath` input; node-service for `slipway:service:generate`). */
  goldenPath?: string;
  /** Form field → the spec path it feeds, e.g. `name` or `environments[1].host`. */
  bindings: Record<string, string>;
  /**
   * Spec path → the literal the template itself writes there (no parameter), e.g.
   * `environments[1].name: production`: what every task from this template gets.
   */
  fixed: Record<string, string | number | boolean>;
  /** Ambiguities a person must resolve, e.g. one field feeding two spec paths. */
  problems: string[];
}

type TemplateLike = { spec?: { steps?: Array<{ action?: string; input?: Record<string, unknown> } | null> } } | null | undefined;

const GENERATE_ACTIONS = [GENERATE_ACTION_ID, SERVICE_GENERATE_ACTION_ID];

/**
 * Which form field feeds which spec path, read from the template itself: every
 * `${{ parameters.X }}` that is the whole value at spec path P in the generate step's
 * input binds X to P. Action-only inputs (targetPath, publisher, repoUrl) are not spec
 * paths. Used by the CLI's dry-run and by scripts/sync-template-form.js.
 */
export function templateBindings(template: TemplateLike): TemplateBindings {
  const step = (template?.spec?.steps ?? []).find(s => GENERATE_ACTIONS.includes(s?.action ?? ''));
  if (!step) return { found: false, bindings: {}, fixed: {}, problems: [`no step runs ${GENERATE_ACTION_ID}`] };
  // slipway:generate nests the spec values under `values`; slipway:service:generate takes them as its input.
  const generic = step.action === GENERATE_ACTION_ID;
  const rawValues = generic ? step.input?.values : step.input;
  const values = rawValues && typeof rawValues === 'object' && !Array.isArray(rawValues) ? (rawValues as Record<string, unknown>) : {};
  const goldenPath = generic ? (typeof step.input?.goldenPath === 'string' ? step.input.goldenPath : undefined) : 'node-service';
  const actionOnly = new Set<string>(generic ? [] : SERVICE_GENERATE_ACTION_ONLY_INPUTS);
  const bindings: Record<string, string> = {};
  const fixed: Record<string, string | number | boolean> = {};
  const problems: string[] = [];
  // Spec paths as the spec's errors write them: `gateway.name`, `environments[1].host`.
  const walk = (value: unknown, specPath: string) => {
    if (typeof value === 'string') {
      const match = SOLE_PARAMETER.exec(value.trim());
      if (!match) {
        if (!value.includes('${{')) fixed[specPath] = value;
        return;
      }
      if (bindings[match[1]] && bindings[match[1]] !== specPath) {
        problems.push(`parameters.${match[1]} feeds both ${bindings[match[1]]} and ${specPath}`);
      }
      bindings[match[1]] = specPath;
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      fixed[specPath] = value;
    } else if (Array.isArray(value)) {
      value.forEach((child, index) => walk(child, `${specPath}[${index}]`));
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) walk(child, `${specPath}.${key}`);
    }
  };
  for (const [key, value] of Object.entries(values)) {
    if (!actionOnly.has(key)) walk(value, key);
  }
  if (generic && !goldenPath) problems.push(`the ${GENERATE_ACTION_ID} step has no goldenPath`);
  return { found: true, goldenPath, bindings, fixed, problems };
}
