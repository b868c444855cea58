import { nginxResolverFqdn, resolverFault } from './nginx-resolver-fqdn';
import { problemsOf } from './__fixtures__/ciRepo';
import { editFile, renderGoldenPathExample, unitProblems } from './__fixtures__/renderedRepo';

const ID = 'nginx-resolver-fqdn';
const BACKENDS = 'deploy/overlays/staging/nginx-backends.conf';

describe(ID, () => {
  it.each(['minimal', 'storefront', 'three-environments'])('passes the static-frontend %s example, whose backends are fully qualified', async example => {
    const files = await renderGoldenPathExample('static-frontend', example);
    expect(await unitProblems(nginxResolverFqdn, files)).toEqual([]);
  }, 60_000);

  it('reports a backend named by its short Service name, or as <service>.<namespace>, with its file and line', async () => {
    const files = await renderGoldenPathExample('static-frontend', 'storefront');
    const line = files.get(BACKENDS)!.split('\n').findIndex(text => text.trim().startsWith('proxy_pass ')) + 1;
    const bare = editFile(files, BACKENDS, 'catalog-api.bookstore-staging.svc.cluster.local:80', 'catalog-api:80');
    expect(await unitProblems(nginxResolverFqdn, bare)).toEqual([
      expect.objectContaining({
        rule: ID,
        file: BACKENDS,
        line,
        message: expect.stringContaining('"catalog-api" is a bare name: nginx\'s resolver applies no search domains'),
      }),
    ]);
    // bookstore-staging is a namespace the repo deploys to, so this is the short form, not a public domain.
    const short = editFile(files, BACKENDS, 'catalog-api.bookstore-staging.svc.cluster.local:80', 'catalog-api.bookstore-staging:80');
    expect(await unitProblems(nginxResolverFqdn, short)).toEqual([
      expect.objectContaining({ message: expect.stringContaining('write catalog-api.bookstore-staging.svc.cluster.local') }),
    ]);
    const partial = editFile(files, BACKENDS, 'catalog-api.bookstore-staging.svc.cluster.local:80', 'catalog-api.bookstore-staging.svc:80');
    expect(await unitProblems(nginxResolverFqdn, partial)).toEqual([expect.objectContaining({ message: expect.stringContaining('is a partial cluster name') })]);
  }, 60_000);

  it('checks a variable spliced into the address, and leaves literal addresses (resolved at start, with search domains) and upstream blocks alone', () => {
    const conf = (body: string) => ({ 'nginx/default.conf': `upstream api_pool { server api:80; }\nserver {\n${body}\n}\n` });
    expect(problemsOf(nginxResolverFqdn, conf('  location / { set $svc "orders"; proxy_pass http://$svc.default:8080; }'))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('"orders.default" is the short <service>.<namespace> form') }),
    ]);
    expect(problemsOf(nginxResolverFqdn, conf('  location / { proxy_pass http://orders:8080; }'))).toEqual([]);
    expect(problemsOf(nginxResolverFqdn, conf('  location / { set $pool api_pool; proxy_pass http://$pool; }'))).toEqual([]);
    expect(problemsOf(nginxResolverFqdn, conf('  location / { set $b "10.0.0.7:80"; proxy_pass http://$b; }'))).toEqual([]);
    // A commented-out proxy_pass, and names set only in comments, are not configuration.
    expect(problemsOf(nginxResolverFqdn, conf('  # set $b "orders"; proxy_pass http://$b;\n  location / { return 200; }'))).toEqual([]);
    expect(problemsOf(nginxResolverFqdn, conf('  location / { set $b "grpc://orders"; grpc_pass $b; }'))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('grpc_pass $b: "orders" is a bare name') }),
    ]);
  });

  it('tells public names and loopback from cluster names', () => {
    const namespaces = new Set(['bookstore-staging']);
    expect(resolverFault('api.example.com', namespaces)).toBeUndefined();
    expect(resolverFault('catalog-api.bookstore-staging.svc.cluster.local', namespaces)).toBeUndefined();
    expect(resolverFault('localhost', namespaces)).toBeUndefined();
    expect(resolverFault('127.0.0.1', namespaces)).toBeUndefined();
    expect(resolverFault('catalog-api.bookstore-staging', namespaces)).toMatch(/short <service>.<namespace> form/);
  });

  it('never throws on odd configuration', () => {
    for (const text of ['proxy_pass ;', 'proxy_pass $;', 'set $ ;\nproxy_pass http://$x', 'proxy_pass unix:/tmp/$x.sock;', '"#\nproxy_pass http://[$v]:80;']) {
      expect(() => problemsOf(nginxResolverFqdn, { 'a.conf': text })).not.toThrow();
    }
  });
});
