import type { FastifyInstance } from 'fastify';

/*
 * Fault injection for rehearsing a bad release: a canary that answers 5xx or is slow, so the
 * canary analysis and the alerts can be seen to work. OFF unless its environment variables
 * are set; never set them in deploy/. Health probes and /metrics are never affected.
 *
 *   FAULT_5XX_EVERY=20   every 20th request answers 500 (5%)
 *   FAULT_DELAY_MS=800   every request waits 800 ms before it is handled
 */

export interface FaultOptions {
  /** Answer 500 to every Nth request (1 = all of them). */
  errorEvery?: number;
  /** Delay every request by this many milliseconds. */
  delayMs?: number;
}

/** The faults the environment asks for, or undefined when it asks for none (the normal case). */
export function faultsFromEnv(env: NodeJS.ProcessEnv): FaultOptions | undefined {
  const whole = (name: string): number | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name} must be a whole number of at least 1, got ${JSON.stringify(raw)}`);
    return Number(raw);
  };
  const faults: FaultOptions = { errorEvery: whole('FAULT_5XX_EVERY'), delayMs: whole('FAULT_DELAY_MS') };
  return faults.errorEvery === undefined && faults.delayMs === undefined ? undefined : faults;
}

/** Adds the faults to every route that is measured (not the probes). */
export function injectFaults(app: FastifyInstance, faults: FaultOptions): void {
  app.log.warn({ faults }, 'fault injection is ON: requests are failed or delayed on purpose');
  let requests = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.skipMetrics) return;
    if (faults.delayMs) await new Promise(resolve => setTimeout(resolve, faults.delayMs));
    requests += 1;
    if (faults.errorEvery && requests % faults.errorEvery === 0) {
      return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error' });
    }
  });
}
