import type { EnvironmentIssue } from './resolveEnvironments';
import { configBytes, MAX_CONFIG_BYTES, MAX_CRONJOB_NAME_LENGTH, type ParsedServiceSpec } from './spec';

/** One CronJob as an environment's overlay renders it. */
export type ResolvedCronJob = Omit<ParsedServiceSpec['cronJobs'][number], 'environments' | 'args'> & {
  /** The CronJob object's name: <service>-<job>. */
  cronJobName: string;
  /** What the container runs after node: by default the job of this name in src/jobs.ts. */
  args: string[];
};

/** The entry point of the generated src/jobs.ts, which runs the job named after it. */
export const JOBS_ENTRY_POINT = 'dist/jobs.js';

/** What one environment's pods get of the component's pod options. */
export interface EnvironmentPodOptions {
  /** What the environment's overlay merges over config.env and config.files (environments[].config). */
  configOverrides: { env: Record<string, string>; files: Record<string, string>; any: boolean };
  /** The CronJobs this environment runs (a job lists its environments; default all). */
  cronJobs: ResolvedCronJob[];
}

/** What any golden path with the pod options fragment gives (`podOptionsFragment`, `environmentConfigField`). */
export interface PodOptionsInput {
  name: string;
  config: ParsedServiceSpec['config'];
  cronJobs: ParsedServiceSpec['cronJobs'];
  environments: ReadonlyArray<{ name: string; config?: { env: Record<string, string>; files: Record<string, string> } }>;
}

function tooMuchConfig(bytes: number, environment?: string): string {
  const held = environment ? `${environment} has ${Math.ceil(bytes / 1024)} KiB with its overrides` : `it has ${Math.ceil(bytes / 1024)} KiB`;
  return (
    `must hold at most ${MAX_CONFIG_BYTES / 1024} KiB (${held}): Argo CD applies client-side, ` +
    'and kubectl keeps the whole ConfigMap in an annotation, which the API server caps at 256 KiB'
  );
}

/** Each environment's config and CronJobs, in the order of `input.environments`, and what is wrong with them. */
export function resolvePodOptions(input: PodOptionsInput): { perEnvironment: EnvironmentPodOptions[]; issues: EnvironmentIssue[] } {
  const issues: EnvironmentIssue[] = [];
  const environmentNames = input.environments.map(environment => environment.name);
  input.cronJobs.forEach((job, index) => {
    const cronJobName = `${input.name}-${job.name}`;
    if (cronJobName.length > MAX_CRONJOB_NAME_LENGTH) {
      issues.push({
        path: `cronJobs[${index}].name`,
        message: `must be shorter: the CronJob ${cronJobName} is over ${MAX_CRONJOB_NAME_LENGTH} characters (the Job controller appends 11 to name each run's Job, a 63-character label)`,
      });
    }
    (job.environments ?? []).forEach((name, at) => {
      if (!environmentNames.includes(name)) {
        issues.push({ path: `cronJobs[${index}].environments[${at}]`, message: `must be one of the environments (${environmentNames.join(', ')})` });
      }
    });
  });

  const baseBytes = configBytes(input.config.env) + configBytes(input.config.files);
  if (baseBytes > MAX_CONFIG_BYTES) issues.push({ path: 'config', message: tooMuchConfig(baseBytes) });
  const perEnvironment = input.environments.map((environment, index): EnvironmentPodOptions => {
    const overrides = { env: environment.config?.env ?? {}, files: environment.config?.files ?? {} };
    const configOverrides = { ...overrides, any: Object.keys(overrides.env).length + Object.keys(overrides.files).length > 0 };
    const bytes = configBytes({ ...input.config.env, ...overrides.env }) + configBytes({ ...input.config.files, ...overrides.files });
    if (bytes > MAX_CONFIG_BYTES && baseBytes <= MAX_CONFIG_BYTES) {
      issues.push({ path: `environments[${index}].config`, message: tooMuchConfig(bytes, environment.name) });
    }
    const cronJobs = input.cronJobs
      .filter(job => job.environments === undefined || job.environments.includes(environment.name))
      .map(({ environments: _environments, ...job }) => ({
        ...job,
        cronJobName: `${input.name}-${job.name}`,
        args: job.args ?? [JOBS_ENTRY_POINT, job.name],
      }));
    return { configOverrides, cronJobs };
  });
  return { perEnvironment, issues };
}
