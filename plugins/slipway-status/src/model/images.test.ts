import { commitOfTag, commitUrl, parseImage, sameImage } from './images';

describe('parseImage', () => {
  it('reads Slipway CI tags as commits and links them when the repo is known', () => {
    expect(parseImage('ghcr.io/acme/orders:sha-4f9c2e1', 'acme/orders')).toEqual({
      image: 'ghcr.io/acme/orders:sha-4f9c2e1',
      repository: 'ghcr.io/acme/orders',
      tag: 'sha-4f9c2e1',
      commit: '4f9c2e1',
      label: 'sha-4f9c2e1',
      commitUrl: 'https://github.com/acme/orders/commit/4f9c2e1',
    });
  });

  it('shows plain text (no link) without a project slug', () => {
    const image = parseImage('ghcr.io/acme/orders:sha-4f9c2e1');
    expect(image.commit).toBe('4f9c2e1');
    expect(image.commitUrl).toBeUndefined();
  });

  it('tells a registry port from a tag', () => {
    expect(parseImage('localhost:5000/orders')).toMatchObject({ repository: 'localhost:5000/orders', label: 'localhost:5000/orders' });
    expect(parseImage('localhost:5000/orders:1.2.3')).toMatchObject({ repository: 'localhost:5000/orders', tag: '1.2.3' });
    expect(parseImage('localhost:5000/orders:1.2.3').commit).toBeUndefined();
  });

  it('handles digests, with and without a tag', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    expect(parseImage(`ghcr.io/acme/orders@${digest}`)).toMatchObject({ digest, label: 'sha256:abababababab' });
    expect(parseImage(`ghcr.io/acme/orders:sha-0123abc@${digest}`, 'acme/orders')).toMatchObject({
      tag: 'sha-0123abc',
      digest,
      commit: '0123abc',
      label: 'sha-0123abc',
    });
  });

  it('accepts bare hex tags and full SHAs; ignores tags that are not commits', () => {
    expect(commitOfTag('4F9C2E1')).toBe('4f9c2e1');
    expect(commitOfTag(`sha-${'a'.repeat(40)}`)).toBe('a'.repeat(40));
    expect(commitOfTag('latest')).toBeUndefined();
    expect(commitOfTag('sha-xyz1234')).toBeUndefined();
    expect(commitOfTag('v1.2.3')).toBeUndefined();
    expect(commitOfTag(undefined)).toBeUndefined();
  });
});

describe('commitUrl', () => {
  it('needs an owner/repo slug and a sha', () => {
    expect(commitUrl('acme/orders', 'abc1234')).toBe('https://github.com/acme/orders/commit/abc1234');
    expect(commitUrl(undefined, 'abc1234')).toBeUndefined();
    expect(commitUrl('acme', 'abc1234')).toBeUndefined();
    expect(commitUrl('acme/orders/../x', 'abc1234')).toBeUndefined();
  });
});

describe('sameImage', () => {
  it('compares by commit (short and full SHA match), else by repository and tag', () => {
    expect(sameImage(parseImage('r/o:sha-4f9c2e1'), parseImage(`r/o:sha-4f9c2e1${'0'.repeat(33)}`))).toBe(true);
    expect(sameImage(parseImage('r/o:sha-4f9c2e1'), parseImage('r/o:sha-1a2b3c4'))).toBe(false);
    expect(sameImage(parseImage('r/o:1.0'), parseImage('r/o:1.0'))).toBe(true);
    expect(sameImage(parseImage('r/o:1.0'), parseImage('r/other:1.0'))).toBe(false);
  });
});
