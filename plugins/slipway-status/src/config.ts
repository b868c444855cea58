/**
 * The card extension's config, as a Standard Schema value (what `configSchema` takes in
 * @backstage/frontend-plugin-api 0.18; hand-written like Backstage's own
 * optionalStringSchema, so the plugin needs no schema library):
 *
 *   app:
 *     extensions:
 *       - entity-card:slipway-status/gitops-environments:
 *           config:
 *             refreshIntervalSeconds: 30
 */
export const MIN_REFRESH_INTERVAL_SECONDS = 2;

type Result = { value: number | undefined } | { issues: Array<{ message: string }> };

export const refreshIntervalSecondsSchema = {
  '~standard': {
    version: 1 as const,
    vendor: 'slipway',
    validate(value: unknown): Result {
      if (value === undefined) return { value: undefined };
      if (typeof value === 'number' && Number.isFinite(value) && value >= MIN_REFRESH_INTERVAL_SECONDS) return { value };
      return {
        issues: [{ message: `Expected a number of seconds ≥ ${MIN_REFRESH_INTERVAL_SECONDS}, but received ${JSON.stringify(value)}` }],
      };
    },
    jsonSchema: {
      input: () => ({ type: 'number', minimum: MIN_REFRESH_INTERVAL_SECONDS }),
      output: () => ({ type: 'number', minimum: MIN_REFRESH_INTERVAL_SECONDS }),
    },
    types: undefined as unknown as { input: number | undefined; output: number | undefined },
  },
};
