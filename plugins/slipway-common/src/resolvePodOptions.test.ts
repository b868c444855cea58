import { MAX_CONFIG_BYTES, resolveServiceSpec, safeResolveServiceSpec } from './index';

const minimal = { name: 'log-output', owner: 'group:default/team-a', description: 'Reads a shared file.' };

function issuesFor(values: Record<string, unknown>) {
  const result = safeResolveServiceSpec(values);
  if (result.ok) throw new Error(`expected ${JSON.stringify(values)} to be rejected`);
  return result.issues;
}

describe('pod options: config, sidecars, CronJobs', () => {
  it('defaults to none of them', () => {
    const spec = resolveServiceSpec(minimal);
    expect(spec.config).toEqual({ env: {}, files: {}, mountPath: '/etc/config' });
    expect(spec.sidecars).toEqual([]);
    expect(spec.cronJobs).toEqual([]);
    expect(spec.environments.map(environment => environment.cronJobs)).toEqual([[], []]);
    expect(spec.environments.every(environment => !environment.configOverrides.any)).toBe(true);
  });

  it("keeps each environment's own config overrides apart from the component's", () => {
    const spec = resolveServiceSpec({
      ...minimal,
      config: { env: { MESSAGE: 'hello' } },
      environments: [{ name: 'staging', config: { env: { MESSAGE: 'hello staging' } } }, { name: 'production' }],
    });
    expect(spec.environments[0].configOverrides).toEqual({ env: { MESSAGE: 'hello staging' }, files: {}, any: true });
    expect(spec.environments[1].configOverrides).toEqual({ env: {}, files: {}, any: false });
  });

  it('refuses credentials, reserved and malformed names in config, naming the field and the rule', () => {
    const issues = issuesFor({ ...minimal, config: { env: { DB_PASSWORD: 'x', PORT: '1', '1BAD': 'x' }, files: { '../etc': 'x' } } });
    const byPath = Object.fromEntries(issues.map(issue => [issue.path, issue.message]));
    expect(byPath['config.env.DB_PASSWORD']).toMatch(/names a credential: .*Secret/);
    expect(byPath['config.env.PORT']).toMatch(/must not be one the skeleton sets/);
    expect(byPath['config.env.1BAD']).toMatch(/must be an environment variable name/);
    expect(byPath['config.files.../etc']).toMatch(/must be a file name/);
  });

  it('refuses config past what a client-side apply can carry in its annotation', () => {
    const big = 'x'.repeat(MAX_CONFIG_BYTES);
    expect(issuesFor({ ...minimal, config: { files: { 'big.txt': big } } })).toEqual([
      { path: 'config', message: expect.stringMatching(/^must hold at most 200 KiB \(it has 201 KiB\).*256 KiB/) },
    ]);
    const issues = issuesFor({ ...minimal, environments: [{ name: 'staging' }, { name: 'production', config: { files: { 'big.txt': big } } }] });
    expect(issues.map(issue => issue.path)).toEqual(['environments[1].config']);
  });

  it('asks a sidecar of the service image what to run, and refuses unpinned images and the name app', () => {
    const issues = issuesFor({
      ...minimal,
      sidecars: [{ name: 'writer' }, { name: 'app', args: ['dist/x.js'] }, { name: 'proxy', image: 'envoyproxy/envoy:latest' }],
    });
    const byPath = Object.fromEntries(issues.map(issue => [issue.path, issue.message]));
    expect(byPath['sidecars[0].args']).toMatch(/with image self, args \(or command\) is required/);
    expect(byPath['sidecars[1].name']).toMatch(/must not be app/);
    expect(byPath['sidecars[2].image']).toMatch(/pinned/);
  });

  it('runs a CronJob in the environments it lists, by default the generated job of its name', () => {
    const spec = resolveServiceSpec({ ...minimal, cronJobs: [{ name: 'report', schedule: '0 3 * * *', environments: ['production'] }] });
    expect(spec.environments.map(environment => environment.cronJobs.map(job => job.cronJobName))).toEqual([[], ['log-output-report']]);
    expect(spec.environments[1].cronJobs[0]).toMatchObject({ args: ['dist/jobs.js', 'report'], timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
  });

  it('refuses TZ= in the schedule (the API server would)', () => {
    expect(issuesFor({ ...minimal, cronJobs: [{ name: 'tz', schedule: 'CRON_TZ=UTC 0 3 * * *' }] })).toContainEqual({
      path: 'cronJobs[0].schedule',
      message: 'must not carry TZ= (the API server refuses it): set timeZone instead',
    });
  });

  it('refuses an unknown environment and a name the Job controller cannot extend', () => {
    const issues = issuesFor({
      ...minimal,
      cronJobs: [
        { name: 'report', schedule: '0 3 * * *', environments: ['prod'] },
        { name: 'a-very-long-job-name-that-goes-on-and-on-x', schedule: '@daily' },
      ],
    });
    const byPath = Object.fromEntries(issues.map(issue => [issue.path, issue.message]));
    expect(byPath['cronJobs[0].environments[0]']).toBe('must be one of the environments (staging, production)');
    expect(byPath['cronJobs[1].name']).toMatch(/^must be shorter: the CronJob log-output-a-very-long-job-name-that-goes-on-and-on-x is over 52 characters/);
  });
});
