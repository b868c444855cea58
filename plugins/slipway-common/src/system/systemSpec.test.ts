import { specJsonSchema } from '../jsonSchema';
import { MAX_SERVICE_NAME_LENGTH } from '../names';
import { resolveSystem } from './resolveSystem';
import { systemSpecSchema } from './systemSpec';

/*
 * Every rule of the system spec and of its resolution has a failing case here, each asserting
 * the field (the issue's path) and the rule (words of its message).
 */

const GOLDEN_PATHS = ['node-service', 'node-worker', 'static-frontend'];

type Values = Record<string, any>;

/** A small valid system: a frontend calling an API, the API on PostgreSQL publishing to RabbitMQ, a worker consuming. */
function shop(): Values {
  return {
    name: 'shop',
    owner: 'group:default/team-a',
    description: 'A shop.',
    parts: [
      { name: 'web', goldenPath: 'static-frontend' },
      { name: 'api', goldenPath: 'node-service' },
      { name: 'worker', goldenPath: 'node-worker' },
    ],
    resources: [
      { name: 'db', kind: 'postgres' },
      { name: 'mq', kind: 'rabbitmq' },
    ],
    edges: {
      calls: [{ from: 'web', to: 'api', pathPrefix: '/api' }],
      uses: [{ from: 'api', to: 'db' }],
      publishes: [{ from: 'api', to: 'mq', queue: 'jobs' }],
      consumes: [{ from: 'worker', to: 'mq', queue: 'jobs' }],
    },
  };
}

function issuesOf(values: Values, goldenPathIds: string[] = GOLDEN_PATHS) {
  const result = resolveSystem(values, { goldenPathIds });
  if (result.ok) throw new Error('expected the values to be refused');
  return result.issues;
}

function expectIssue(values: Values, path: string, ...words: string[]) {
  const issues = issuesOf(values);
  const atPath = issues.filter(issue => issue.path === path);
  if (!atPath.length) throw new Error(`no issue at ${path}; got ${JSON.stringify(issues, null, 1)}`);
  expect(atPath.some(issue => words.every(word => issue.message.includes(word)))).toBe(true);
}

const edit = (change: (values: Values) => void): Values => {
  const values = shop();
  change(values);
  return values;
};

describe('system spec rules', () => {
  it('accepts the base system', () => {
    expect(resolveSystem(shop(), { goldenPathIds: GOLDEN_PATHS }).ok).toBe(true);
  });

  describe('edge ends', () => {
    it.each([
      ['an unknown callee', (v: Values) => (v.edges.calls[0].to = 'nope'), 'edges.calls[0].to', ['must name a part of the system', 'nope is none']],
      ['an unknown caller', (v: Values) => (v.edges.calls[0].from = 'nope'), 'edges.calls[0].from', ['must name a part of the system']],
      ['a resource as callee', (v: Values) => (v.edges.calls[0].to = 'db'), 'edges.calls[0].to', ['must name a part', 'db is a resource']],
      ['a resource as caller', (v: Values) => (v.edges.uses[0].from = 'mq'), 'edges.uses[0].from', ['must name a part', 'mq is a resource']],
      ['an unknown resource', (v: Values) => (v.edges.uses[0].to = 'cache'), 'edges.uses[0].to', ['must name a resource of the system', 'cache is none']],
      ['a part as resource', (v: Values) => (v.edges.publishes[0].to = 'worker'), 'edges.publishes[0].to', ['must name a resource', 'worker is a part']],
    ])('refuses %s', (_what, change, path, words) => expectIssue(edit(change), path, ...words));

    it('refuses an edge to itself', () => {
      expectIssue(edit(v => (v.edges.calls = [{ from: 'api', to: 'api' }])), 'edges.calls[0].to', 'must differ from from', 'to itself');
    });

    it('refuses a call to a node-worker, which has no HTTP Service', () => {
      expectIssue(edit(v => v.edges.calls.push({ from: 'api', to: 'worker' })), 'edges.calls[1].to', 'must name a part that serves HTTP', 'worker is a node-worker');
    });

    it('refuses consumes by a part that is not a worker', () => {
      expectIssue(edit(v => (v.edges.consumes[0].from = 'api')), 'edges.consumes[0].from', 'must name a part that consumes queues', 'api is a node-service');
    });

    it('refuses a second queue for a worker, which consumes one', () => {
      expectIssue(edit(v => v.edges.consumes.push({ from: 'worker', to: 'mq', queue: 'other' })), 'edges.consumes[1]', 'consumes 1 queue', 'edges.consumes[0]');
    });

    it('refuses a resource connection from a static-frontend, whose nginx only proxies HTTP', () => {
      expectIssue(edit(v => v.edges.uses.push({ from: 'web', to: 'db' })), 'edges.uses[1].from', 'must name a part that connects to resources', 'web is a static-frontend');
    });

    it('refuses an edge to a resource of the wrong kind', () => {
      expectIssue(edit(v => (v.edges.uses[0].to = 'mq')), 'edges.uses[0].to', 'must name a postgres, redis resource', 'mq is rabbitmq');
      expectIssue(edit(v => (v.edges.publishes[0].to = 'db')), 'edges.publishes[0].to', 'must name a redis, rabbitmq, nats resource', 'db is postgres');
    });

    it('refuses a subject on a broker without subjects', () => {
      expectIssue(edit(v => (v.edges.publishes[0].subject = 'jobs.new')), 'edges.publishes[0].subject', 'is only for nats resources', 'mq is rabbitmq');
    });

    it('refuses the same edge twice', () => {
      expectIssue(edit(v => v.edges.uses.push({ from: 'api', to: 'db' })), 'edges.uses[1]', 'must not repeat edges.uses[0]');
    });

    it('refuses a port the callee does not expose to callers', () => {
      expectIssue(edit(v => (v.edges.calls[0].port = 'metrics')), 'edges.calls[0].port', "must be a port api's Service exposes to callers: http (80)");
      expectIssue(edit(v => (v.edges.calls[0].port = 9464)), 'edges.calls[0].port', 'exposes to callers');
    });

    it('asks a path-prefix caller for its prefix, and an env caller for no prefix', () => {
      expectIssue(edit(v => delete v.edges.calls[0].pathPrefix), 'edges.calls[0].pathPrefix', 'is required', 'web is a static-frontend');
      expectIssue(edit(v => ((v.edges.calls[0] = { from: 'web', to: 'api', env: 'API_URL' }))), 'edges.calls[0].env', 'must be left out', 'by path prefix');
      expectIssue(
        edit(v => {
          v.parts.push({ name: 'admin', goldenPath: 'node-service' });
          v.edges.calls.push({ from: 'admin', to: 'api', pathPrefix: '/x' });
        }),
        'edges.calls[1].pathPrefix',
        'is only for callers that proxy path prefixes',
      );
    });

    it('refuses two addresses in one variable, and one prefix for two callees', () => {
      expectIssue(
        edit(v => {
          v.parts.push({ name: 'admin', goldenPath: 'node-service' }, { name: 'search', goldenPath: 'node-service' });
          v.edges.calls.push({ from: 'admin', to: 'api', env: 'BACKEND_URL' }, { from: 'admin', to: 'search', env: 'BACKEND_URL' });
        }),
        'edges.calls[2].env',
        'must differ from edges.calls[1]',
        'one variable holds one address',
      );
      expectIssue(
        edit(v => {
          v.parts.push({ name: 'search', goldenPath: 'node-service' });
          v.edges.calls.push({ from: 'web', to: 'search', pathPrefix: '/api' });
        }),
        'edges.calls[1].pathPrefix',
        'must differ from edges.calls[0].pathPrefix',
      );
    });
  });

  describe('names', () => {
    it('refuses a name used by a part and a resource', () => {
      expectIssue(edit(v => v.resources.push({ name: 'api', kind: 'redis' })), 'resources[2].name', 'must be unique across parts and resources', 'parts[1] is also named api');
    });

    it('refuses a system name too long for <system>-<environment>', () => {
      expectIssue(edit(v => (v.name = 's'.repeat(MAX_SERVICE_NAME_LENGTH + 1))), 'name', `must be at most ${MAX_SERVICE_NAME_LENGTH} characters`, '<system>-<environment>');
    });

    it('refuses two parts of one name', () => {
      expectIssue(edit(v => v.parts.push({ name: 'api', goldenPath: 'node-service' })), 'parts[3].name', 'must be unique across parts and resources');
    });

    it('refuses a part name that is not a Service name (DNS-1035)', () => {
      expectIssue(edit(v => (v.parts[1].name = '1api')), 'parts[1].name', 'DNS-1035 label', 'starting with a letter');
    });

    it("refuses a name whose golden path's Services would pass 63 characters", () => {
      const long = `a${'b'.repeat(58)}`; // 59: fits a label, but <name>-canary is 66
      expectIssue(edit(v => ((v.parts[1].name = long), (v.edges.calls[0].to = long), (v.edges.uses[0].from = long), (v.edges.publishes[0].from = long))), 'parts[1].name', `creates the Service ${long}-canary`, 'at most 63');
    });

    it("refuses a resource name whose operator's Services would pass 63 characters", () => {
      const long = `d${'b'.repeat(61)}`; // 62: <name>-rw is 65
      expectIssue(edit(v => ((v.resources[0].name = long), (v.edges.uses[0].to = long))), 'resources[0].name', `creates the Service ${long}-rw`, 'at most 63');
    });

    it('refuses a golden path that is not offered, and one without wiring', () => {
      expectIssue(edit(v => (v.parts[1].goldenPath = 'go-service')), 'parts[1].goldenPath', 'must be one of the golden paths offered here');
      const issues = issuesOf(edit(v => (v.parts[1].goldenPath = 'go-service')), [...GOLDEN_PATHS, 'go-service']);
      expect(issues).toContainEqual({ path: 'parts[1].goldenPath', message: expect.stringContaining('declares no system wiring') });
    });
  });

  describe('namespaces', () => {
    it('refuses a namespace that is not a DNS label', () => {
      expectIssue(edit(v => (v.environments = [{ name: 'staging', namespace: 'Shop_Staging' }])), 'environments[0].namespace', 'DNS-1123 label');
      expectIssue(edit(v => (v.parts[1].namespace = 'api_{environment}')), 'parts[1].namespace', 'DNS-1123 label in which {environment} may stand');
    });

    it('refuses a namespace that outgrows a label once the environment is written in', () => {
      expectIssue(edit(v => (v.parts[0].namespace = `${'n'.repeat(60)}-{environment}`)), 'parts[0].namespace', 'DNS-1123 label of at most 63 characters in every environment', 'in staging');
    });

    it('refuses an environment listed twice', () => {
      expectIssue(edit(v => (v.environments = [{ name: 'staging' }, { name: 'staging' }])), 'environments[1].name', 'must be unique', 'environments[0] is also staging');
    });

    it('refuses one namespace for two environments', () => {
      expectIssue(edit(v => (v.parts[0].namespace = 'web')), 'parts[0].namespace', 'must differ per environment', 'staging and production');
      expectIssue(edit(v => (v.environments = [{ name: 'staging', namespace: 'shop' }, { name: 'production', namespace: 'shop' }])), 'environments', 'must differ per environment');
    });

    it('refuses a postgres client outside the cluster\'s namespace, where its Secret is not', () => {
      expectIssue(edit(v => (v.parts[1].namespace = 'api-{environment}')), 'edges.uses[0]', "in the resource's namespace", 'in staging api runs in api-staging and db in shop-staging', 'db-app');
    });
  });

  describe('resources', () => {
    it('refuses an even number of broker servers', () => {
      expectIssue(edit(v => (v.resources[1].instances = 2)), 'resources[1].instances', 'must be 1 or an odd number', 'quorum');
    });

    it('refuses a backup of a resource that is not postgres', () => {
      expectIssue(edit(v => (v.resources[1].backup = { destinationPath: 's3://b/x' })), 'resources[1].backup', 'is only for postgres resources');
      expectIssue(edit(v => (v.resources[0].backup = { destinationPath: 's3://b/x', environments: ['qa'] })), 'resources[0].backup.environments', 'must name environments of the system');
    });

    it('refuses a holder that does not connect to the resource', () => {
      expectIssue(edit(v => (v.resources[0].heldBy = 'worker')), 'resources[0].heldBy', 'must name a part with an edge to db', '(api)');
    });
  });

  describe("what the system decides, a part's values must not", () => {
    it.each([
      ['a different name', (v: Values) => (v.parts[1].values = { name: 'other' }), 'parts[1].values.name', ['must be api or left out']],
      ['a different owner', (v: Values) => (v.parts[1].values = { owner: 'group:default/x' }), 'parts[1].values.owner', ['must be group:default/team-a or left out']],
      ['a system', (v: Values) => (v.parts[1].values = { system: 'system:x' }), 'parts[1].values.system', ['the system sets it']],
      ['an unknown environment', (v: Values) => (v.parts[1].values = { environments: [{ name: 'qa' }] }), 'parts[1].values.environments[0].name', ['must name an environment of the system (staging, production)']],
      ['a namespace', (v: Values) => (v.parts[1].values = { environments: [{ name: 'staging', namespace: 'x' }] }), 'parts[1].values.environments[0].namespace', ['must be left out', 'the system places the part']],
    ])('refuses %s', (_what, change, path, words) => expectIssue(edit(change), path, ...words));
  });

  describe('repos and layout', () => {
    it('refuses a URL pattern without {name}, or that is no Git URL', () => {
      expectIssue(edit(v => (v.repos = { urlPattern: 'https://github.com/acme/shop.git' })), 'repos.urlPattern', 'must contain {name}');
      expectIssue(edit(v => (v.repos = { urlPattern: 'ftp://acme/{name}' })), 'repos.urlPattern', 'repository URL once {name} is replaced');
    });

    it('refuses an unknown layout', () => {
      expectIssue(edit(v => (v.layout = { kind: 'monorepo' })), 'layout.kind', 'app-repos or config-repo');
    });

    it('refuses env and pathPrefix on one call', () => {
      expectIssue(edit(v => (v.edges.calls[0].env = 'API_URL')), 'edges.calls[0].pathPrefix', 'must not be set with env');
    });
  });
});

describe('system spec schema', () => {
  /** Property paths of a JSON Schema that carry no description (objects, array items and union branches walked). */
  function undescribed(schema: Values, path: string): string[] {
    const missing: string[] = [];
    for (const [key, property] of Object.entries((schema.properties ?? {}) as Record<string, Values>)) {
      const at = path ? `${path}.${key}` : key;
      if (!property.description) missing.push(at);
      missing.push(...undescribed(property, at));
      if (property.items) missing.push(...undescribed(property.items, `${at}[]`));
      for (const branch of property.oneOf ?? property.anyOf ?? []) missing.push(...undescribed(branch, at));
    }
    return missing;
  }

  it('describes every field, for the form and the docs', () => {
    const json = specJsonSchema(systemSpecSchema);
    expect(Object.keys(json.properties as object)).toEqual(['name', 'owner', 'description', 'environments', 'podSecurity', 'repos', 'layout', 'parts', 'resources', 'edges']);
    expect(undescribed(json, '')).toEqual([]);
  });
});
