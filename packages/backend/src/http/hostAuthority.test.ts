import { isIpLiteral, parseHostHeader, sameAuthority } from './hostAuthority';

describe('parseHostHeader', () => {
  it.each([
    ['localhost:7007', { hostname: 'localhost', port: 7007 }],
    ['LocalHost:7007', { hostname: 'localhost', port: 7007 }],
    ['127.0.0.1:7007', { hostname: '127.0.0.1', port: 7007 }],
    ['[::1]:7007', { hostname: '[::1]', port: 7007 }],
    ['backstage.example.com', { hostname: 'backstage.example.com', port: undefined }],
  ])('reads %s', (header, expected) => {
    expect(parseHostHeader(header)).toEqual(expected);
  });

  it.each(['', 'evil.example:7007/path', 'user@localhost:7007', 'a b:7007', 'localhost:', 'localhost:0', 'localhost:70000', 'a:1, b:2'])(
    'refuses %j, which is no host[:port]',
    header => {
      expect(parseHostHeader(header)).toBeUndefined();
    },
  );

  it('has no answer for a missing header', () => {
    expect(parseHostHeader(undefined)).toBeUndefined();
  });
});

describe('sameAuthority', () => {
  const base = { hostname: 'backstage.example.com', port: 443 };
  it('takes a Host without a port as the scheme default', () => {
    expect(sameAuthority({ hostname: 'backstage.example.com', port: undefined }, base, 443)).toBe(true);
    expect(sameAuthority({ hostname: 'backstage.example.com', port: 443 }, base, 443)).toBe(true);
  });
  it('tells other ports and names apart', () => {
    expect(sameAuthority({ hostname: 'backstage.example.com', port: 8443 }, base, 443)).toBe(false);
    expect(sameAuthority({ hostname: 'evil.example', port: 443 }, base, 443)).toBe(false);
  });
});

describe('isIpLiteral', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['[::1]', true],
    ['::1', false],
    ['localhost', false],
    ['127.0.0.1.nip.io', false],
    ['2130706433', false],
  ])('%s → %s', (hostname, expected) => {
    expect(isIpLiteral(hostname)).toBe(expected);
  });
});
