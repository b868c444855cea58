/**
 * Fault injection for the crash-safety tests (test/crash-safety.e2e.test.ts): with
 * `SLIPWAY_CRASH_AT=<point>@<repo name>` in the backend's environment, the process kills
 * itself with SIGKILL (what `kill -9` or the OOM killer does: no handler, no cleanup)
 * when a publish of that repo reaches the point. Unset, this does nothing. It exists
 * because the moments that matter (after the rename, before the registration) last
 * microseconds, too short to hit reliably with an outside `kill -9`.
 */
export const CRASH_AT_ENV = 'SLIPWAY_CRASH_AT';

export const CRASH_POINTS = ['after-journal', 'after-stage', 'after-rename', 'after-register'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export function crashIfRequested(point: CrashPoint, repoName: string, env: NodeJS.ProcessEnv = process.env): void {
  const requested = env[CRASH_AT_ENV];
  if (!requested) return;
  const [requestedPoint, requestedName] = requested.split('@');
  if (requestedPoint === point && requestedName === repoName) process.kill(process.pid, 'SIGKILL');
}
