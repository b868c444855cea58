import { ConfigReader } from '@backstage/config';
import { parseHostHeader } from './hostAuthority';
import { OriginPolicy } from './originPolicy';

const embedded = OriginPolicy.fromConfig(new ConfigReader({ app: { baseUrl: 'http://localhost:7007' }, backend: { baseUrl: 'http://localhost:7007' } }));
const refusal = (policy: OriginPolicy, origin: string, host = 'localhost:7007') => policy.refusal(origin, parseHostHeader(host));

describe('OriginPolicy', () => {
  it('lets the backend\'s own pages through', () => {
    expect(refusal(embedded, 'http://localhost:7007')).toBeUndefined();
    // A page opened as http://127.0.0.1:7007 calling itself: same origin as its Host.
    expect(refusal(embedded, 'http://127.0.0.1:7007', '127.0.0.1:7007')).toBeUndefined();
  });

  it('refuses foreign origins, other ports and schemes of the same name included', () => {
    expect(refusal(embedded, 'http://evil.example:7007')).toBe('a cross-origin request from http://evil.example:7007 is refused');
    expect(refusal(embedded, 'http://localhost:8080')).toMatch(/cross-origin/);
    expect(refusal(embedded, 'http://127.0.0.1:7007')).toMatch(/cross-origin/);
    expect(refusal(embedded, 'chrome-extension://abcdef')).toMatch(/cross-origin/);
  });

  it('refuses Origin: null and anything that is no serialized origin', () => {
    expect(refusal(embedded, 'null')).toBe('a request from an opaque origin (Origin: null) is refused');
    expect(refusal(embedded, 'http://localhost:7007/path')).toMatch(/malformed/);
    // Two Origin headers, which Node joins with a comma.
    expect(refusal(embedded, 'http://a.test, http://localhost:7007')).toBe('a cross-origin request from http://a.test, http://localhost:7007 is refused');
  });

  it('lets an app on another origin (app.baseUrl) through', () => {
    const split = OriginPolicy.fromConfig(new ConfigReader({ app: { baseUrl: 'http://localhost:3000' }, backend: { baseUrl: 'http://localhost:7007' } }));
    expect(refusal(split, 'http://localhost:3000')).toBeUndefined();
  });

  it('follows backend.cors.origin, patterns included, as Backstage\'s CORS middleware does', () => {
    const cors = OriginPolicy.fromConfig(
      new ConfigReader({ backend: { baseUrl: 'http://localhost:7007', cors: { origin: ['https://portal.test', 'https://*.apps.test'] } } }),
    );
    expect(refusal(cors, 'https://portal.test')).toBeUndefined();
    expect(refusal(cors, 'https://team.apps.test')).toBeUndefined();
    expect(refusal(cors, 'https://evil.test')).toMatch(/cross-origin/);
  });

  it('matches a TLS-terminated production origin against its Host without a port', () => {
    const production = OriginPolicy.fromConfig(new ConfigReader({ backend: { baseUrl: 'https://backstage.example.com' } }));
    expect(refusal(production, 'https://backstage.example.com', 'backstage.example.com')).toBeUndefined();
    expect(refusal(production, 'https://evil.example', 'backstage.example.com')).toMatch(/cross-origin/);
  });
});
