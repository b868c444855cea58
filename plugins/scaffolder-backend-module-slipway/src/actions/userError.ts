/**
 * A failure whose whole text is written for the person who ran the template: what went
 * wrong and what to do, never where the server keeps its files.
 *
 * Backstage writes `String(err.stack)` into the failed step's log, which any user who
 * can read the task sees (plugin-scaffolder-backend, NunjucksWorkflowRunner
 * `markFailed`: `await task.emitLog(String(err.stack), { stepId, status: "failed" })`).
 * So the stack of these errors is the message alone: no frames, no server paths.
 */
export class SlipwayUserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlipwayUserError';
    this.stack = message;
  }
}

/** Throws a SlipwayUserError whose message starts with the action id. */
export function failAction(actionId: string, message: string): never {
  throw new SlipwayUserError(`${actionId}: ${message}`);
}
