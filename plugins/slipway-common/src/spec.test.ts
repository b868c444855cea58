import {
  MAX_SERVICE_NAME_LENGTH,
  deriveNames,
  resolveServiceSpec,
  safeResolveServiceSpec,
  SpecValidationError,
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
    expect(spec.environments.staging).toMatchObject({ namespace: 'orders-staging', replicas: 2, host: 'orders.staging.example.com' });
    expect(spec.environments.production).toMatchObject({ namespace: 'orders-production', replicas: 3 });
    expect(spec.environments.production.canarySteps.length).toBeGreaterThan(1);
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
      const issues = issuesFor({ ...minimal, environments: { staging: { host } } });
      expect(issues).toContainEqual({ path: 'environments.staging.host', message: expect.stringContaining('DNS host name') });
    },
  );

  it('names missing required fields', () => {
    const issues = issuesFor({});
    expect(issues.map(i => i.path).sort()).toEqual(['description', 'name', 'owner']);
    expect(issues.every(i => i.message === 'is required')).toBe(true);
  });

  it('rejects unknown fields, nested too, so typos do not pass silently', () => {
    const issues = issuesFor({ ...minimal, replica: 3, environments: { staging: { replica: 2 } } });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'replica', message: 'is not a known field' },
        { path: 'environments.staging.replica', message: 'is not a known field' },
      ]),
    );
  });

  it('checks canary steps: weights 1–99, increasing, pauses as durations', () => {
    const bad = issuesFor({
      ...minimal,
      environments: { production: { canary: { steps: [{ weight: 50 }, { weight: 20, pause: 'soon' }, { weight: 100 }] } } },
    });
    expect(bad).toEqual(
      expect.arrayContaining([
        { path: 'environments.production.canary.steps[1].pause', message: expect.stringContaining('duration') },
        { path: 'environments.production.canary.steps[2].weight', message: 'must be between 1 and 99' },
      ]),
    );
    const decreasing = issuesFor({ ...minimal, environments: { production: { canary: { steps: [{ weight: 50 }, { weight: 20 }] } } } });
    expect(decreasing).toContainEqual({ path: 'environments.production.canary.steps', message: 'weights must increase from step to step' });
  });

  it('checks rules that span fields after defaults are applied', () => {
    expect(issuesFor({ ...minimal, environments: { staging: { autoscaling: { min: 5, max: 2 } } } })).toContainEqual({
      path: 'environments.staging.autoscaling.min',
      message: expect.stringContaining('must not exceed'),
    });
    expect(
      issuesFor({ ...minimal, environments: { staging: { namespace: 'shared' }, production: { namespace: 'shared' } } }),
    ).toContainEqual({ path: 'environments.production.namespace', message: expect.stringContaining('must differ') });
    expect(issuesFor({ ...minimal, port: 9000, metricsPort: 9000 })).toContainEqual({
      path: 'metricsPort',
      message: expect.stringContaining('must differ from port'),
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
