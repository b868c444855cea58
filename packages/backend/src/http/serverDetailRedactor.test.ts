import { ServerDetailRedactor } from './serverDetailRedactor';

const redactor = new ServerDetailRedactor([
  { placeholder: '<data>', path: '/srv/slipway/.data' },
  { placeholder: '<modules>', path: '/srv/slipway/node_modules' },
  { placeholder: '<repo>', path: '/srv/slipway' },
  { placeholder: '<home>', path: '/home/backstage' },
  { placeholder: '<tmp>', path: '/tmp' },
]);

describe('ServerDetailRedactor', () => {
  it('drops the stack frames of a failed step and keeps what failed', () => {
    const stack = [
      "NotFoundError: Template action with ID 'slipway:no-such-action' is not registered.",
      '    at TemplateActionRegistry.get (/srv/slipway/node_modules/@backstage/plugin-scaffolder-backend/dist/scaffolder/actions/TemplateActionRegistry.cjs.js:24:13)',
      '    at NunjucksWorkflowRunner.executeStep (/srv/slipway/node_modules/@backstage/plugin-scaffolder-backend/dist/scaffolder/tasks/NunjucksWorkflowRunner.cjs.js:270:54)',
      '    at async Promise.all (index 0)',
      '    at new Promise (<anonymous>)',
      '    at /srv/slipway/plugins/x/dist/a.js:3:9',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ].join('\n');
    expect(redactor.text(stack)).toBe("NotFoundError: Template action with ID 'slipway:no-such-action' is not registered.");
  });

  it('drops the frames of a real Error', () => {
    const error = new Error('it broke');
    expect(redactor.text(String(error.stack))).toBe('Error: it broke');
  });

  it('keeps indented lines that are no frames', () => {
    expect(redactor.text('Checks:\n    at least one replica (found 0)\n  at 10:30')).toBe('Checks:\n    at least one replica (found 0)\n  at 10:30');
  });

  it('replaces the server\'s folders with placeholders, the most specific first', () => {
    expect(redactor.text("ENOENT: no such file or directory, rename '/srv/slipway/.data/work/1234/missing.txt' -> '/srv/slipway/.data/work/1234/x'")).toBe(
      "ENOENT: no such file or directory, rename '<data>/work/1234/missing.txt' -> '<data>/work/1234/x'",
    );
    expect(redactor.text('/srv/slipway/node_modules/a.js, /srv/slipway/templates/t.yaml, file:///tmp/slipway-template-1/template.yaml, ~ is /home/backstage')).toBe(
      '<modules>/a.js, <repo>/templates/t.yaml, file://<tmp>/slipway-template-1/template.yaml, ~ is <home>',
    );
  });

  it('replaces whole paths only', () => {
    expect(redactor.text('/var/tmp/x /tmpfiles /srv/slipway-other/a')).toBe('/var/tmp/x /tmpfiles /srv/slipway-other/a');
  });

  it('never treats / as a folder to hide', () => {
    expect(new ServerDetailRedactor([{ placeholder: '<home>', path: '/' }]).text('/etc/hosts')).toBe('/etc/hosts');
  });

  it('redacts every string of a JSON value, keys included', () => {
    const event = {
      id: 7,
      type: 'log',
      body: { message: 'Error: x\n    at f (/srv/slipway/a.js:1:2)', stepId: 'generate', status: 'failed', output: { ['/tmp/k']: ['/tmp/v', 1, null] } },
    };
    expect(redactor.json(event)).toEqual({
      id: 7,
      type: 'log',
      body: { message: 'Error: x', stepId: 'generate', status: 'failed', output: { '<tmp>/k': ['<tmp>/v', 1, null] } },
    });
  });
});
