import type { z } from 'zod';
import type { MetricsContract } from './metrics';
import { DNS1123_LABEL_PATTERN } from './names';
import type { SpecIssue } from './resolve';
import type { ResolvedEnvironmentBase } from './resolveEnvironments';

/*
 * A golden path is one unit: the spec a developer fills in, the skeleton it renders, the
 * Backstage Template that asks for it, examples, the metrics its service exports and the
 * checks its repos must pass. The definition below is the code half; the files half lives in
 * its folder (`dir`): the skeleton files, `template.yaml`, `examples/*.yaml` and `README.md`.
 */

/** What every resolved spec has, whatever the golden path: the renderer and the action read these. */
export interface ResolvedGoldenPathSpec {
  name: string;
  /** In promotion order; the last is the production tier. Files under `[environment]` render once per entry. */
  environments: readonly ResolvedEnvironmentBase[];
}

export type GoldenPathResolution<TSpec> = { ok: true; spec: TSpec } | { ok: false; issues: SpecIssue[] };

/**
 * What a golden path's repos must hold, checked by the validator's `golden-path-profile` rule
 * after each overlay is built: a repo that lost its PodDisruptionBudget (a skeleton edit, a
 * developer deleting a file) passes every rule about PDBs, because none of them has anything to
 * look at. The profile is what says it must be there.
 */
export interface CheckProfile {
  /** Kinds every environment's built overlay must contain, with what each is for (said in the message). */
  requiredKinds: Readonly<Record<string, string>>;
  /** Kinds no environment may contain, with why (a worker has no HTTPRoute: nothing routes to it). */
  forbiddenKinds: Readonly<Record<string, string>>;
  /**
   * Rule ids this path's repos are expected to be checked by; the parts test fails when one
   * is not a rule the validator has, so a renamed rule cannot silently drop out of a profile.
   */
  rules: readonly string[];
}

/** What the generate action logs and outputs for a rendered repo. */
export interface GoldenPathSummary {
  /** `backstage.io/kubernetes-id` of the repo's objects and catalog entity. */
  kubernetesId: string;
  /** Label selector of the repo's Argo CD Applications (`argocd/app-selector`). */
  argocdAppSelector: string;
  /** One line of what was chosen, e.g. `database: postgres`. */
  details: string;
}

/**
 * One golden path. `TSpec` is its resolved spec; methods (not function properties) so a
 * registry of `GoldenPath` can hold each path with its own spec type.
 */
export interface GoldenPath<TSpec extends ResolvedGoldenPathSpec = ResolvedGoldenPathSpec> {
  /** DNS-1123 label; the action's `goldenPath` input, the CLI's `--golden-path`, and the folder's name. */
  id: string;
  title: string;
  description: string;
  /** Absolute path of the folder holding the skeleton files, template.yaml, examples/ and README.md. */
  dir: string;
  /** The values schema: the form is derived from it, the action and the CLI check values with it. */
  spec: z.ZodObject;
  /** Checks raw values and applies every default. Never throws. */
  resolve(values: unknown): GoldenPathResolution<TSpec>;
  /** What every skeleton file sees; files under `[environment]` also see `environment`. */
  context(spec: TSpec): Record<string, unknown>;
  summary(spec: TSpec): GoldenPathSummary;
  /** The metrics the generated service exports: read by the skeleton, the validator and the tests. */
  metrics: MetricsContract;
  checkProfile: CheckProfile;
  /**
   * Folders of Handlebars partials shared with other golden paths, by prefix: each
   * `<dir>/<file>.hbs` is the partial `<prefix>/<file>` (`{{> backing/rabbitmq/cluster …}}`).
   * Built-in paths get Slipway's `shared` and `backing` layers, and so does a definition that
   * leaves this out (`{}`: none); the path's own `_partials/` stay unprefixed.
   */
  partialLayers?: Readonly<Record<string, string>>;
}

/** The scaffolder action that renders any golden path; each golden path's Template runs it with `goldenPath: <id>`. */
export const GENERATE_ACTION_ID = 'slipway:generate';

const GOLDEN_PATH_ID = new RegExp(DNS1123_LABEL_PATTERN);
/** A partial layer's prefix is one path segment, so `<prefix>/<file>` can never name a path's own partial. */
const PARTIAL_LAYER_PREFIX = /^[a-z][a-z0-9-]*$/;

/** Problems with a definition that can be seen without its folder (the folder is checked by `checkGoldenPathParts`). */
export function goldenPathDefinitionProblems(path: GoldenPath): string[] {
  const problems: string[] = [];
  if (!GOLDEN_PATH_ID.test(path.id) || path.id.length > 63) problems.push(`id ${JSON.stringify(path.id)} must be a DNS-1123 label`);
  if (!path.title.trim()) problems.push('title is empty');
  if (!path.description.trim()) problems.push('description is empty');
  if (!path.metrics.metrics.length) problems.push('metrics declares no metric: the canary, the alerts and the tests have nothing to read');
  if (!Object.keys(path.checkProfile.requiredKinds).length) problems.push('checkProfile.requiredKinds is empty');
  if (!path.checkProfile.rules.length) problems.push('checkProfile.rules is empty');
  for (const prefix of Object.keys(path.partialLayers ?? {})) {
    if (!PARTIAL_LAYER_PREFIX.test(prefix)) problems.push(`partialLayers prefix ${JSON.stringify(prefix)} must be lowercase letters, digits and '-'`);
  }
  return problems;
}

/**
 * The golden paths one Backstage (or one CLI run) offers, by id. Built-in paths come from
 * `@slipway/skeletons`; an adopter adds theirs through the scaffolder module's extension point.
 */
export class GoldenPathRegistry {
  readonly #paths = new Map<string, GoldenPath>();

  constructor(paths: Iterable<GoldenPath> = []) {
    for (const path of paths) this.add(path);
  }

  /** Adds a path; a malformed definition or a second path with the same id is refused. */
  add(path: GoldenPath): this {
    const problems = goldenPathDefinitionProblems(path);
    if (problems.length) throw new Error(`golden path ${path.id}: ${problems.join('; ')}`);
    if (this.#paths.has(path.id)) throw new Error(`golden path ${path.id} is registered twice`);
    this.#paths.set(path.id, path);
    return this;
  }

  get(id: string): GoldenPath | undefined {
    return this.#paths.get(id);
  }

  ids(): string[] {
    return [...this.#paths.keys()];
  }

  list(): GoldenPath[] {
    return [...this.#paths.values()];
  }
}
