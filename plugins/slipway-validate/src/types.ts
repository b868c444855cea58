import type { GoldenPathRegistry } from '@slipway/common';
/**
 * Types shared by every stage of the validation pipeline.
 * Stages: yaml (syntax) → schema → kustomize (overlay builds) → policy → reference.
 */
import type { RuleId } from './rules';

export type CheckKind = 'yaml' | 'schema' | 'kustomize' | 'policy' | 'reference' | 'ci' | 'catalog';

/** One problem, located as precisely as the stage can: file, environment and object. */
export interface ValidationProblem {
  check: CheckKind;
  /** Short stable rule id, e.g. `pod-run-as-non-root`, `hpa-target-exists`; only registered ids (validate/rules). */
  rule: RuleId;
  message: string;
  /** Repo-relative file, when the problem is in one file. */
  file?: string;
  /** Overlay (environment) name, when the problem is in a built overlay. */
  environment?: string;
  /** `Kind/name` of the object concerned. */
  object?: string;
  /** 1-based line in `file`, when the stage knows it (YAML syntax and raw-manifest problems). */
  line?: number;
}

export interface ValidationReport {
  ok: boolean;
  problems: ValidationProblem[];
  /** Things the reader should know that are not problems, e.g. "no kustomize binary found: overlays not built". */
  notices: string[];
  stats: {
    files: number;
    /** Kubernetes objects checked, counting each overlay's build separately. */
    objects: number;
    overlaysBuilt: string[];
  };
}

/** A Kubernetes object with where it came from. */
export interface LoadedObject {
  /** The parsed object (plain JSON). */
  object: KubernetesObject;
  /** Repo-relative file for raw manifests; `deploy/overlays/<env>` for built objects. */
  file: string;
  /** Set for objects that come from an overlay build. */
  environment?: string;
  /** 1-based line where the object's YAML document starts, for raw manifests. */
  line?: number;
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Everything later stages need: raw files, objects per environment, and the catalog entity. */
export interface RepoModel {
  /** Repo-relative path → text content, for every file of the repo. */
  files: Map<string, string>;
  /** Objects of each built overlay, by environment name. Empty when kustomize was not run. */
  environments: Map<string, LoadedObject[]>;
  /** Every object parsed straight from YAML under deploy/ (base, overlays' patches excluded, argocd). */
  rawObjects: LoadedObject[];
  /**
   * The folder holding the manifests (base, overlays, argocd, platform): `deploy` in an app repo
   * (the default), `apps/<part>` when a system's config repo holds them (layout.ts).
   */
  deployDir?: string;
  /** The golden paths a Component's `slipway.dev/skeleton` may name. Default: the built-in ones. */
  goldenPaths?: GoldenPathRegistry;
}

/** A stage that only reads the model. Stages never throw for bad input; they return problems. */
export type ModelCheck = (model: RepoModel) => ValidationProblem[];
