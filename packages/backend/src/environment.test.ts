import { dropEmptyCredentialVariables } from './environment';

describe('dropEmptyCredentialVariables', () => {
  it('treats an empty or blank GITHUB_TOKEN as unset, and keeps a real one', () => {
    const env: NodeJS.ProcessEnv = { GITHUB_TOKEN: '  ', OTHER: '' };
    expect(dropEmptyCredentialVariables(env)).toEqual(['GITHUB_TOKEN']);
    expect(env).toEqual({ OTHER: '' });
    const withToken: NodeJS.ProcessEnv = { GITHUB_TOKEN: 'ghp_x' };
    expect(dropEmptyCredentialVariables(withToken)).toEqual([]);
    expect(withToken.GITHUB_TOKEN).toBe('ghp_x');
  });
});
