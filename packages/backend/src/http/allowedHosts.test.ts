import { ConfigReader } from '@backstage/config';
import { AllowedHosts } from './allowedHosts';
import { parseHostHeader } from './hostAuthority';

const embedded = new AllowedHosts({
  baseUrls: ['http://localhost:7007', 'http://localhost:7007'],
  extraHosts: [],
  listenPort: 7007,
  listenProtocol: 'http:',
});
const allows = (hosts: AllowedHosts, header: string | undefined) => hosts.allows(parseHostHeader(header));

describe('AllowedHosts', () => {
  it('answers the base URL host and loopback names on the listen port', () => {
    for (const host of ['localhost:7007', '127.0.0.1:7007', '[::1]:7007', 'LOCALHOST:7007']) expect([host, allows(embedded, host)]).toEqual([host, true]);
  });

  it('refuses a DNS-rebinding name, other ports and malformed or missing Hosts', () => {
    for (const host of ['evil.example:7007', 'evil.example', 'localhost:7008', '127.0.0.1:80', 'localhost', 'localhost.:7007', '127.0.0.1.nip.io:7007', '', undefined]) {
      expect([host, allows(embedded, host)]).toEqual([host, false]);
    }
  });

  it('answers the production base URL behind a TLS proxy, with or without the default port', () => {
    const production = new AllowedHosts({
      baseUrls: ['https://backstage.example.com'],
      extraHosts: [],
      listenPort: 7007,
      listenProtocol: 'http:',
    });
    expect(allows(production, 'backstage.example.com')).toBe(true);
    expect(allows(production, 'backstage.example.com:443')).toBe(true);
    // A kubelet probe names the pod IP; Backstage's own discovery uses 127.0.0.1 with listen host 0.0.0.0.
    expect(allows(production, '10.42.0.7:7007')).toBe(true);
    expect(allows(production, '127.0.0.1:7007')).toBe(true);
    expect(allows(production, 'backstage.example.com:7007')).toBe(false);
    expect(allows(production, 'evil.example')).toBe(false);
  });

  it('answers extra hosts exactly as configured', () => {
    const proxied = new AllowedHosts({
      baseUrls: ['http://localhost:7007'],
      extraHosts: ['backstage.internal', 'slipway.test:8080'],
      listenPort: 7007,
      listenProtocol: 'http:',
    });
    expect(allows(proxied, 'backstage.internal')).toBe(true);
    expect(allows(proxied, 'slipway.test:8080')).toBe(true);
    expect(allows(proxied, 'backstage.internal:7007')).toBe(false);
  });

  it('reads backend.baseUrl, app.baseUrl, backend.listen and slipway.http.allowedHosts from config', () => {
    const hosts = AllowedHosts.fromConfig(
      new ConfigReader({
        app: { baseUrl: 'http://app.test:3000' },
        backend: { baseUrl: 'http://api.test:7007', listen: { port: 7100, host: '0.0.0.0' } },
        slipway: { http: { allowedHosts: ['proxy.test'] } },
      }),
    );
    for (const host of ['app.test:3000', 'api.test:7007', 'proxy.test', 'localhost:7100', '127.0.0.1:7100']) expect([host, allows(hosts, host)]).toEqual([host, true]);
    for (const host of ['localhost:7007', 'app.test:7100', 'evil.example:7100']) expect([host, allows(hosts, host)]).toEqual([host, false]);
  });

  it('reads a listen address written as a string, as Backstage does', () => {
    const hosts = AllowedHosts.fromConfig(new ConfigReader({ backend: { baseUrl: 'http://localhost:7007', listen: '127.0.0.1:7200' } }));
    expect(allows(hosts, '127.0.0.1:7200')).toBe(true);
  });

  it('fails at startup on an extra host that is no host[:port]', () => {
    expect(() => new AllowedHosts({ baseUrls: [], extraHosts: ['http://x.test/'], listenPort: 7007, listenProtocol: 'http:' })).toThrow(
      /slipway.http.allowedHosts: "http:\/\/x.test\/" is not a host\[:port\]/,
    );
  });
});
