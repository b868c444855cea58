/**
 * The card's view model: one `EnvironmentRow` per environment (and cluster), built
 * from the Kubernetes backend's answer by `buildStatusModel`. Plain data: no React,
 * no fetching, so it can be unit-tested and reused.
 */

/** How a value should be coloured: the view maps tones to Backstage-like status dots. */
export type Tone = 'ok' | 'warning' | 'error' | 'progress' | 'paused' | 'neutral';

/** A parsed container image reference. */
export interface ImageRef {
  /** As written in the pod / ReplicaSet / Rollout spec, e.g. `ghcr.io/acme/orders:sha-4f9c2e1`. */
  image: string;
  /** e.g. `ghcr.io/acme/orders` */
  repository: string;
  /** e.g. `sha-4f9c2e1` */
  tag?: string;
  /** e.g. `sha256:6b86b273ff34…` */
  digest?: string;
  /** The Git commit the tag names: `4f9c2e1` from `sha-4f9c2e1`, or a bare 7–40 hex tag. */
  commit?: string;
  /** What to show: the tag, or a short digest, or the whole reference. */
  label: string;
  /** `https://github.com/<slug>/commit/<commit>` when both the slug and the commit are known. */
  commitUrl?: string;
}

export interface DeployedImage {
  /** The image the stable ReplicaSet runs (all pods once a rollout is complete). */
  stable?: ImageRef;
  /** The image being rolled out, while a canary is running (differs from stable). */
  canary?: ImageRef;
  /**
   * The image Git asks for (the Rollout's pod template) when it runs nowhere: an aborted
   * rollout scaled its canary down, or the new ReplicaSet has no pods yet.
   */
  desiredNotRunning?: ImageRef;
  /** Where `stable` was read from: running pods first, then ReplicaSets, then the Rollout's template. */
  source: 'pods' | 'replicasets' | 'rollout';
}

export interface ArgoCdStatus {
  application: string;
  /** Synced | OutOfSync | Unknown (Argo CD's `status.sync.status`). */
  sync: string;
  /** Healthy | Progressing | Degraded | Suspended | Missing | Unknown (`status.health.status`). */
  health: string;
  healthMessage?: string;
  /** The Git revision Argo CD compared against (`status.sync.revision`). */
  revision?: string;
  shortRevision?: string;
  revisionUrl?: string;
  /** The last sync operation, when it did not simply succeed: Running, Failed, Error, Terminating. */
  operation?: { phase: string; message?: string };
  /** Application conditions (ComparisonError, SyncError, ...) as `Type: message`. */
  conditions: string[];
  /** `argocd.argoproj.io/skip-reconcile: "true"` (Alpha): Argo CD does not process the Application at all, so it has no status. */
  reconcileSkipped: boolean;
  /**
   * What holds the Application back before CI's first image: `auto-sync-disabled`
   * (`spec.syncPolicy.automated.enabled: false`, what Slipway generates) or `skip-reconcile`.
   */
  gate?: 'auto-sync-disabled' | 'skip-reconcile';
  /** No image of the Application is pinned (Argo CD's `status.summary.images`), or it is held back with no status yet: CI has built nothing for it. */
  awaitingFirstImage: boolean;
  tone: Tone;
}

export interface CanaryStep {
  /** Argo's `status.currentStepIndex`: the index of the step being executed, equal to the number of steps completed. */
  index: number;
  /** `spec.strategy.canary.steps.length`. */
  total: number;
  /** `index/total`, exactly what `kubectl argo rollouts get rollout` prints as `Step:`. */
  text: string;
  /** What the current step does: `setWeight 25%`, `pause 5m`, `pause until promoted`, `analysis`; `complete` when index = total. */
  current: string;
}

export interface RolloutStatus {
  name: string;
  /** Healthy | Progressing | Paused | Degraded | Aborted (Aborted when `status.abort` is true; Argo itself reports Degraded). */
  state: string;
  tone: Tone;
  /** Why it is paused / degraded / aborted, in Argo's words. */
  reason?: string;
  strategy: 'canary' | 'blueGreen' | 'unknown';
  step?: CanaryStep;
  /** The canary's share of traffic: `status.canary.weights.canary.weight` when traffic routing reports it, else the current setWeight. */
  canaryWeight?: number;
}

export type AnalysisVerdict = 'Successful' | 'Failed' | 'Running' | 'Inconclusive' | 'Error' | 'Pending';

export interface MetricResult {
  name: string;
  /** Phase of the latest measurement (Successful, Failed, Inconclusive, Error, Running), else of the metric. */
  phase?: string;
  /** The latest measured value, formatted: `98.7%`, `182 ms`, `0.42`, `no data`. */
  value?: string;
  /** The raw measurement value as Argo stores it, e.g. `[0.987]`. */
  rawValue?: string;
  /** Threshold parsed from `successCondition` (or negated `failureCondition`): `≥ 99%`, `≤ 500 ms`. */
  threshold?: string;
  tone: Tone;
}

export interface AnalysisStatus {
  name: string;
  /** The Rollout revision the run analysed (`rollout.argoproj.io/revision`). */
  revision?: string;
  /** True when that is not the Rollout's current revision (no run exists for the current one yet). */
  outdated: boolean;
  verdict: AnalysisVerdict;
  tone: Tone;
  message?: string;
  metrics: MetricResult[];
}

export interface PodProblem {
  pod: string;
  /** CrashLoopBackOff, ImagePullBackOff, ErrImagePull, OOMKilled, Unschedulable, Failed, not ready, ... */
  reason: string;
  message?: string;
  restarts: number;
}

export interface PodSummary {
  total: number;
  ready: number;
  /** The Rollout's `spec.replicas` (the HPA writes it), when there is a Rollout. */
  desired?: number;
  restarts: number;
  problems: PodProblem[];
  tone: Tone;
}

export interface EnvironmentComparison {
  /** The environment compared against: the one before this one in the promotion order (staging, for production). */
  against: string;
  relation: 'same' | 'ahead' | 'behind' | 'differs';
  /** Commits `against` is ahead (positive) when a `commitsAhead` source answered. */
  commits?: number;
  /** `same image as staging`, `staging is 3 commits ahead`, `differs from staging (sha-a vs sha-b)`. */
  text: string;
}

export interface EnvironmentRow {
  /** Unique per row: `environment` or `environment@cluster`. */
  key: string;
  environment: string;
  cluster?: string;
  namespace?: string;
  /**
   * deployed: objects were found; not-deployed: expected (entity annotation) but no objects in
   * any cluster that answered; awaiting-image: its Argo CD Application exists but no image was
   * built for it yet (held back, or nothing pinned); unknown: expected, not found, and some
   * cluster could not be read.
   */
  state: 'deployed' | 'not-deployed' | 'awaiting-image' | 'unknown';
  /** Human explanations, e.g. why the state is unknown, or that several Rollouts were found. */
  notes: string[];
  argocd?: ArgoCdStatus;
  image?: DeployedImage;
  rollout?: RolloutStatus;
  analysis?: AnalysisStatus;
  pods?: PodSummary;
  /** On the production row: how it relates to staging. */
  comparison?: EnvironmentComparison;
  /** Resource kinds (plurals) this row's cluster refused to list, e.g. `analysisruns`. */
  unavailable: string[];
}

export interface ClusterProblem {
  cluster: string;
  kind: 'unreachable' | 'forbidden' | 'unauthorized' | 'error';
  /** One line, e.g. `403 Forbidden listing rollouts, analysisruns`. */
  message: string;
  /** Plurals whose list call failed (empty for an unreachable cluster: everything failed). */
  resources: string[];
  hint: string;
}

export interface StatusModel {
  rows: EnvironmentRow[];
  clusterProblems: ClusterProblem[];
  /** From the entity's `slipway.dev/environments` annotation (or the input override). */
  expectedEnvironments: string[];
  /**
   * Set when no cluster returned anything: `no-clusters` when the configured cluster list is
   * known to be empty, `no-objects` otherwise (nothing deployed yet, or clusters unknown).
   */
  empty?: 'no-clusters' | 'no-objects';
  /** The input's configured cluster names, when known. */
  configuredClusters?: string[];
  /** Where the manifests are when not in the entity's own repo (a system's config repo): its web address. */
  manifestsUrl?: string;
}
