import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { githubPublishingHosts, publisherAvailability } from './publishers';

const config = (github: JsonObject[] | undefined) => new ConfigReader(github ? { integrations: { github } } : {});

describe('publishers', () => {
  it('counts only GitHub integrations with a token or an app', () => {
    expect(githubPublishingHosts(config(undefined))).toEqual([]);
    expect(githubPublishingHosts(config([{ host: 'github.com' }]))).toEqual([]);
    expect(
      githubPublishingHosts(
        config([
          { host: 'github.com', token: 'ghp_x' },
          { host: 'ghe.acme.example', apps: [{ appId: 1, clientId: 'c', clientSecret: 's', privateKey: 'k', webhookSecret: 'w' }] },
          { host: 'no-creds.example' },
        ]),
      ),
    ).toEqual(['ghe.acme.example', 'github.com']);
  });

  it('says what is available and why not', () => {
    expect(publisherAvailability(config([{ host: 'github.com' }]), { localAvailable: true })).toEqual([
      { id: 'local', available: true },
      { id: 'github', available: false, hosts: [], reason: expect.stringContaining('GITHUB_TOKEN') },
    ]);
    expect(publisherAvailability(config([{ host: 'github.com', token: 't' }]), { localAvailable: false })).toEqual([
      { id: 'local', available: false, reason: 'slipway.dataDir is not set in the backend config' },
      { id: 'github', available: true, hosts: ['github.com'] },
    ]);
  });
});
