import { parseCliArgs } from './args';
import { CliError, EXIT } from './errors';

function parseError(argv: string[]): CliError {
  try {
    parseCliArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error(`expected ${argv.join(' ')} to be rejected`);
}

describe('parseCliArgs', () => {
  it('parses render, defaulting the golden path to node-service', () => {
    expect(parseCliArgs(['render', '--values', 'v.yaml', '--out', 'o'])).toEqual({
      command: 'render',
      goldenPath: 'node-service',
      values: 'v.yaml',
      out: 'o',
      skeletonsDir: undefined,
    });
    expect(parseCliArgs(['render', '--golden-path=node-worker', '--values=v.yaml', '--out=o', '--skeletons-dir', 's'])).toMatchObject({
      goldenPath: 'node-worker',
      skeletonsDir: 's',
    });
    // --template is the flag's older name, kept for scripts written before golden paths.
    expect(parseCliArgs(['render', '--template=node-service', '--values=v.yaml', '--out=o'])).toMatchObject({ goldenPath: 'node-service' });
    expect(() => parseCliArgs(['render', '--template=a', '--golden-path=b', '--values=v.yaml', '--out=o'])).toThrow(/--golden-path or its older name --template, not both/);
  });

  it('parses validate with its flags', () => {
    expect(parseCliArgs(['validate', 'repo'])).toEqual({ command: 'validate', dir: 'repo', kustomize: 'auto', json: false });
    expect(parseCliArgs(['validate', '--no-kustomize', 'repo', '--json'])).toEqual({ command: 'validate', dir: 'repo', kustomize: 'skip', json: true });
  });

  it('parses dry-run', () => {
    expect(parseCliArgs(['dry-run', '--template', 't.yaml', '--values', 'v.yaml', '--out', 'o'])).toEqual({
      command: 'dry-run',
      template: 't.yaml',
      values: 'v.yaml',
      out: 'o',
      skeletonsDir: undefined,
    });
  });

  it('recognises help in every form', () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['render', '--help'], ['validate', '-h']]) {
      expect(parseCliArgs(argv)).toEqual({ command: 'help' });
    }
  });

  it.each([
    [[], /no command given/],
    [['frob'], /unknown command "frob"/],
    [['render', '--values', 'v.yaml'], /slipway render needs --out <dir>/],
    [['render', '--out', 'o'], /slipway render needs --values <file>/],
    [['render', '--values', '', '--out', 'o'], /needs --values/],
    [['dry-run', '--values', 'v.yaml', '--out', 'o'], /slipway dry-run needs --template <file>/],
    [['validate'], /exactly one repo folder/],
    [['validate', 'a', 'b'], /exactly one repo folder/],
    [['validate', 'repo', '--bogus'], /Unknown option '--bogus'/],
    [['validate', 'repo', '--out', 'x'], /--out cannot be used with slipway validate/],
    [['render', '--values', 'v', '--out', 'o', '--json'], /--json cannot be used with slipway render/],
    [['render', '--values', 'v', '--out', 'o', 'extra'], /takes no positional arguments/],
    [['render', '--values'], /argument missing|--values/],
  ])('rejects %j with exit code 2', (argv, message) => {
    const error = parseError(argv as string[]);
    expect(error.exitCode).toBe(EXIT.BAD_INPUT);
    expect(error.message).toMatch(message);
  });
});
