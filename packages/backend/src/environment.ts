/**
 * Environment variables app-config.yaml reads as credentials. Backstage drops a `${VAR}`
 * whose variable is unset, but an empty one (`export GITHUB_TOKEN=`) reaches the config as
 * an empty string, and then every plugin that reads integrations refuses to start
 * ("Invalid type in config for key 'integrations.github[0].token' …, got empty-string").
 */
export const CREDENTIAL_VARIABLES = ['GITHUB_TOKEN'] as const;

/** Treats an empty (or blank) credential variable as not set. Returns the names it dropped. */
export function dropEmptyCredentialVariables(env: NodeJS.ProcessEnv = process.env): string[] {
  const dropped: string[] = [];
  for (const name of CREDENTIAL_VARIABLES) {
    if (env[name] !== undefined && env[name]!.trim() === '') {
      delete env[name];
      dropped.push(name);
    }
  }
  return dropped;
}
