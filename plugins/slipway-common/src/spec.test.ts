import {
  MAX_ENVIRONMENT_NAME_LENGTH,
  MAX_SERVICE_NAME_LENGTH,
  deriveNames,
  resolveServiceSpec,
  safeResolveServiceSpec,
  SpecValidationError,
  TLS_SECRET_SUFFIX,
  specFieldJsonSchema,
  specJsonSchema,
} from './index';

const minimal = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };

function issuesFor(values: Record<string, unknown>) {
  const result = safeResolveServiceSpec(values);
  if (result.ok) throw new Error(`expected ${JSON.stringify(values)} to be rejected`);
  return result.issues;
}

describe('service spec', () => {
  it('resolves a complete spec from the three required fields', () => {
    const spec = resolveServiceSpec(minimal);
    expect(spec.port).toBe(8080);
    expect(spec.database).toBe('none');
    expect(spec.analysis.successRate).toBeGreaterThanOrEqual(0.99);
    expect(spec.environments.map(env => env.name)).toEqual(['staging', 'production']);
    expect(spec.environments[0]).toMatchObject({ namespace: 'orders-staging', replicas: 2, host: 'orders.staging.example.com' });
    expect(spec.environments[1]).toMatchObject({ namespace: 'orders-production', replicas: 3 });
    expect(spec.environments[1].canarySteps.length).toBeGreaterThan(1);
    expect(spec.image.name).toBe('ghcr.io/example-org/orders');
    expect(spec.gitops.projectSlug).toBe('example-org/orders');
  });

  it.each([
    ['name', 'Foo_Bar', 'DNS-1123 label'],
    ['name', '../x', 'DNS-1123 label'],
    ['name', 'a'.repeat(64), `at most ${MAX_SERVICE_NAME_LENGTH} characters`],
    ['name', '-orders', 'DNS-1123 label'],
    ['owner', 'team a', 'entity reference'],
    ['port', 0, 'between 1 and 65535'],
    ['port', 70000, 'between 1 and 65535'],
    ['port', 80.5, 'whole number'],
    ['database', 'mysql', 'one of none, postgres'],
    ['language', 'cobol', 'one of typescript'],
  ])('rejects %s = %j naming the field and the rule', (field, value, rule) => {
    const issues = issuesFor({ ...minimal, [field]: value });
    expect(issues).toContainEqual({ path: field, message: expect.stringContaining(rule) });
  });

  it.each(['not a host', 'https://orders.example.com', 'orders', '*.example.com', 'Orders.Example.com'])(
    'rejects host %j',
    host => {
      const issues = issuesFor({ ...minimal, environments: [{ name: 'staging', host }, { name: 'production' }] });
      expect(issues).toContainEqual({ path: 'environments[0].host', message: expect.stringContaining('DNS host name') });
    },
  );

  it('names missing required fields', () => {
    const issues = issuesFor({});
    expect(issues.map(i => i.path).sort()).toEqual(['description', 'name', 'owner']);
    expect(issues.every(i => i.message === 'is required')).toBe(true);
  });

  it('rejects unknown fields, nested too, so typos do not pass silently', () => {
    const issues = issuesFor({ ...minimal, replica: 3, environments: [{ name: 'staging', replica: 2 }] });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'replica', message: 'is not a known field' },
        { path: 'environments[0].replica', message: 'is not a known field' },
      ]),
    );
  });

  it('checks canary steps: weights 1–99, increasing, pauses as durations', () => {
    const bad = issuesFor({
      ...minimal,
      environments: [{ name: 'staging' }, { name: 'production', canary: { steps: [{ weight: 50 }, { weight: 20, pause: 'soon' }, { weight: 100 }] } }],
    });
    expect(bad).toEqual(
      expect.arrayContaining([
        { path: 'environments[1].canary.steps[1].pause', message: expect.stringContaining('duration') },
        { path: 'environments[1].canary.steps[2].weight', message: 'must be between 1 and 99' },
      ]),
    );
    const decreasing = issuesFor({ ...minimal, environments: [{ name: 'production', canary: { steps: [{ weight: 50 }, { weight: 20 }] } }] });
    expect(decreasing).toContainEqual({ path: 'environments[0].canary.steps', message: 'weights must increase from step to step' });
  });

  it('checks rules that span fields after defaults are applied', () => {
    expect(issuesFor({ ...minimal, environments: [{ name: 'staging', autoscaling: { min: 5, max: 2 } }, { name: 'production' }] })).toContainEqual({
      path: 'environments[0].autoscaling.min',
      message: expect.stringContaining('must not exceed'),
    });
    expect(issuesFor({ ...minimal, port: 9000, metricsPort: 9000 })).toContainEqual({
      path: 'metricsPort',
      message: expect.stringContaining('must differ from port'),
    });
  });

  describe('environments: an ordered list, the last one the production tier', () => {
    const names = (values: Record<string, unknown>) => resolveServiceSpec({ ...minimal, ...values }).environments.map(env => env.name);

    it('defaults to staging then production, and keeps the order given', () => {
      expect(names({})).toEqual(['staging', 'production']);
      expect(names({ environments: [{ name: 'dev' }, { name: 'staging' }, { name: 'production' }] })).toEqual(['dev', 'staging', 'production']);
    });

    it('gives the last environment the production defaults and every earlier one the pre-production defaults, whatever their names', () => {
      const [dev, qa, live] = resolveServiceSpec({ ...minimal, environments: [{ name: 'dev' }, { name: 'qa' }, { name: 'live' }] }).environments;
      for (const early of [dev, qa]) {
        expect(early).toMatchObject({
          tier: 'pre-production',
          isLast: false,
          replicas: 2,
          autoscaling: { min: 2, max: 4, targetCpuPercent: 70 },
          host: `orders.${early.name}.example.com`,
          canarySteps: [{ weight: 25, pause: '2m' }, { weight: 50, pause: '2m' }],
          alerts: { pageSeverity: 'warning', ticketSeverity: 'info' },
        });
      }
      expect(live).toMatchObject({
        tier: 'production',
        isLast: true,
        replicas: 3,
        autoscaling: { min: 3, max: 10 },
        host: 'orders.example.com',
        namespace: 'orders-live',
        application: 'orders-live',
        alerts: { pageSeverity: 'critical', ticketSeverity: 'warning' },
      });
      expect(live.canarySteps.map(step => step.weight)).toEqual([10, 25, 50, 75]);
      expect([dev, qa, live].map(env => [env.index, env.isFirst, env.previous, env.next])).toEqual([
        [0, true, undefined, 'qa'],
        [1, false, 'dev', 'live'],
        [2, false, 'qa', undefined],
      ]);
    });

    it('makes a single environment the production tier, deployed first', () => {
      expect(resolveServiceSpec({ ...minimal, environments: [{ name: 'production' }] }).environments[0]).toMatchObject({
        isFirst: true,
        isLast: true,
        tier: 'production',
        previous: undefined,
        host: 'orders.example.com',
      });
    });

    it('lets an environment set its alert severities, and refuses a ticket more severe than the page', () => {
      const [dev] = resolveServiceSpec({ ...minimal, environments: [{ name: 'dev', alerts: { pageSeverity: 'info', ticketSeverity: 'info' } }, { name: 'production' }] }).environments;
      expect(dev.alerts).toEqual({ pageSeverity: 'info', ticketSeverity: 'info' });
      // The production tier tickets warning by default: a page of info would rank below it.
      expect(issuesFor({ ...minimal, environments: [{ name: 'production', alerts: { pageSeverity: 'info' } }] })).toEqual([
        { path: 'environments[0].alerts.ticketSeverity', message: 'must not be more severe than pageSeverity (info): the slow-burn ticket would outrank the page' },
      ]);
      expect(issuesFor({ ...minimal, environments: [{ name: 'production', alerts: { pageSeverity: 'page-me' } }] })).toEqual([
        { path: 'environments[0].alerts.pageSeverity', message: 'must be one of critical, warning, info' },
      ]);
    });

    it('refuses no environment, more than six, and a name that is not a short DNS label', () => {
      expect(issuesFor({ ...minimal, environments: [] })).toEqual([{ path: 'environments', message: 'must list at least one environment' }]);
      const seven = Array.from({ length: 7 }, (_, i) => ({ name: `e${i}` }));
      expect(issuesFor({ ...minimal, environments: seven })).toEqual([{ path: 'environments', message: 'must list at most 6 environments' }]);
      expect(issuesFor({ ...minimal, environments: [{ name: 'Prod' }] })).toEqual([{ path: 'environments[0].name', message: expect.stringContaining('DNS-1123 label') }]);
      expect(issuesFor({ ...minimal, environments: [{ name: 'e'.repeat(MAX_ENVIRONMENT_NAME_LENGTH + 1) }] })).toEqual([
        { path: 'environments[0].name', message: expect.stringContaining(`at most ${MAX_ENVIRONMENT_NAME_LENGTH} characters`) },
      ]);
      expect(issuesFor({ ...minimal, environments: [{ host: 'orders.example.com' }] })).toEqual([{ path: 'environments[0].name', message: 'is required' }]);
      // The old two-key object is refused with the field named, not silently ignored.
      expect(issuesFor({ ...minimal, environments: { staging: {}, production: {} } })).toEqual([{ path: 'environments', message: expect.stringContaining('expected array') }]);
    });

    it('refuses duplicate names, hosts, and namespaces on the same cluster, naming both environments', () => {
      expect(issuesFor({ ...minimal, environments: [{ name: 'staging' }, { name: 'staging' }] })).toEqual([
        { path: 'environments[1].name', message: 'must differ from the name of environments[0] (staging): one overlay, Application and GitHub environment per name' },
      ]);
      expect(issuesFor({ ...minimal, environments: [{ name: 'staging', host: 'orders.example.com' }, { name: 'production' }] })).toEqual([
        { path: 'environments[1].host', message: 'must differ from the host of environments[0] (staging)' },
      ]);
      expect(issuesFor({ ...minimal, environments: [{ name: 'staging', namespace: 'shared' }, { name: 'production', namespace: 'shared' }] })).toEqual([
        { path: 'environments[1].namespace', message: 'must differ from the namespace of environments[0] (staging) when both run on the same cluster (https://kubernetes.default.svc)' },
      ]);
      // The same namespace on another cluster is fine.
      const apart = [{ name: 'staging', namespace: 'shared' }, { name: 'production', namespace: 'shared', cluster: 'https://prod.k8s.example.com' }];
      expect(safeResolveServiceSpec({ ...minimal, environments: apart }).ok).toBe(true);
    });

    it('keeps <name>-<environment> within 63 characters for the longest names, and <name>-<environment>-tls (the certificate Secret) too or says so', () => {
      const name = 'a'.repeat(MAX_SERVICE_NAME_LENGTH);
      // The longest environment whose certificate Secret still fits: 63 - name - '-' - '-tls'.
      const fitting = 'e'.repeat(63 - MAX_SERVICE_NAME_LENGTH - 1 - TLS_SECRET_SUFFIX.length);
      const [resolved] = resolveServiceSpec({ ...minimal, name, environments: [{ name: fitting }] }).environments;
      expect(resolved.namespace).toBe(resolved.application);
      expect(resolved.tls).toEqual({ listener: resolved.application, secretName: `${resolved.application}-tls` });
      expect(resolved.tls.secretName).toHaveLength(63);
      // The longest environment name still fits the Application and namespace, but not the Secret: the one issue is that.
      const longest = 'e'.repeat(MAX_ENVIRONMENT_NAME_LENGTH);
      expect(`${name}-${longest}`.length).toBeLessThanOrEqual(63);
      expect(issuesFor({ ...minimal, name, environments: [{ name: longest }] })).toEqual([
        { path: 'environments[0].name', message: expect.stringContaining(`the certificate Secret ${name}-${longest}-tls is over 63 characters`) },
      ]);
    });

    it('offers the form the list with its item rules and default', () => {
      expect(specFieldJsonSchema('environments')).toMatchObject({ type: 'array', minItems: 1, maxItems: 6, default: [{ name: 'staging' }, { name: 'production' }] });
      expect(specFieldJsonSchema('environments[1].host')).toMatchObject({ type: 'string', pattern: expect.any(String) });
      expect(specFieldJsonSchema('environments[0].hots')).toBeUndefined();
      expect(specFieldJsonSchema('environments.staging.host')).toBeUndefined();
    });
  });

  it('accepts https and git@ repo URLs, and plain http only for the local remote on this machine', () => {
    const repoUrl = (url: string) => safeResolveServiceSpec({ ...minimal, gitops: { repoUrl: url } });
    expect(repoUrl('https://github.com/acme/orders.git').ok).toBe(true);
    expect(repoUrl('git@github.com:acme/orders.git').ok).toBe(true);
    expect(repoUrl('http://localhost:7007/api/slipway/git/orders.git').ok).toBe(true);
    expect(repoUrl('http://git.example.com/orders.git')).toEqual({
      ok: false,
      issues: [{ path: 'gitops.repoUrl', message: expect.stringContaining('http:// only for localhost') }],
    });
  });

  it('keeps free text verbatim', () => {
    const description = 'line one\nkey: value\n---\n{{ values.secret }}\n# not a comment';
    expect(resolveServiceSpec({ ...minimal, description }).description).toBe(description);
  });

  // Issue 7: "A NUL byte in the description passes the form and the spec and fails at the git
  // commit with a message that does not name the field."
  it('finding: a NUL byte in the description passes the spec — refused, naming the field and the rule', () => {
    for (const bad of ['before\u0000after', 'bell\u0007', 'escape \u001b[31mred', 'del\u007f']) {
      expect(safeResolveServiceSpec({ ...minimal, description: bad })).toEqual({
        ok: false,
        issues: [{ path: 'description', message: expect.stringContaining('must not contain control characters') }],
      });
    }
    // Tabs and line breaks (also Windows ones) are ordinary text.
    expect(safeResolveServiceSpec({ ...minimal, description: 'a\tb\r\nc\nd' }).ok).toBe(true);
    // The form gets the same rule as a JSON Schema pattern, and it means the same there.
    const pattern = new RegExp((specJsonSchema().properties as Record<string, { pattern?: string }>).description.pattern!);
    expect(pattern.test('before\u0000after')).toBe(false);
    expect(pattern.test('a\tb\r\nc')).toBe(true);
  });

  it('asks for enough canary requests that one 5xx alone cannot abort the canary', () => {
    expect(safeResolveServiceSpec({ ...minimal, analysis: { successRate: 0.999 } })).toEqual({
      ok: false,
      issues: [{ path: 'analysis.minRequests', message: 'must be at least 1000 with successRate 0.999: with 100 requests a single 5xx would abort the canary' }],
    });
    expect(safeResolveServiceSpec({ ...minimal, analysis: { successRate: 0.999, minRequests: 1000 } }).ok).toBe(true);
    expect(safeResolveServiceSpec({ ...minimal, analysis: { successRate: 0.95, minRequests: 20 } }).ok).toBe(true);
    expect(safeResolveServiceSpec({ ...minimal, analysis: { successRate: 1 } }).ok).toBe(true);
  });

  it('throws an error that lists every field and rule', () => {
    expect(() => resolveServiceSpec({ ...minimal, name: 'Foo_Bar', port: 70000 })).toThrow(SpecValidationError);
    try {
      resolveServiceSpec({ ...minimal, name: 'Foo_Bar', port: 70000 });
    } catch (error) {
      expect((error as Error).message).toMatch(/name: must be a DNS-1123 label/);
      expect((error as Error).message).toMatch(/port: must be between 1 and 65535/);
    }
  });

  it('sizes the name so every derived name of the longest name fits in 63 characters', () => {
    const longest = 'a'.repeat(MAX_SERVICE_NAME_LENGTH);
    expect(resolveServiceSpec({ ...minimal, name: longest }).name).toBe(longest);
    for (const derived of Object.values(deriveNames(longest))) expect(derived.length).toBeLessThanOrEqual(63);
    expect(Object.values(deriveNames(longest)).some(derived => derived.length === 63)).toBe(true);
  });

  it('exposes the same rules as JSON Schema for the form', () => {
    const schema = specJsonSchema() as { required: string[]; properties: Record<string, Record<string, unknown>> };
    expect(schema.required.sort()).toEqual(['description', 'name', 'owner']);
    expect(schema.properties.name).toMatchObject({ maxLength: MAX_SERVICE_NAME_LENGTH, pattern: expect.any(String) });
    expect(schema.properties.database).toMatchObject({ enum: ['none', 'postgres'], default: 'none' });
    expect(schema.properties.port).toMatchObject({ minimum: 1, maximum: 65535, default: 8080 });
  });

  it('describes every field, nested ones included, so forms and action docs can show it', () => {
    type Node = { properties?: Record<string, Node & { description?: string }>; items?: Node };
    const undescribed: string[] = [];
    const walk = (node: Node, path: string) => {
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        if (!child.description) undescribed.push(`${path}${key}`);
        walk(child, `${path}${key}.`);
      }
      if (node.items) walk(node.items, `${path}[].`);
    };
    walk(specJsonSchema() as Node, '');
    expect(undescribed).toEqual([]);
  });
});
