import { modelOf, WORKFLOW } from '../rules/__fixtures__/ciRepo';
import { runsOf, scenariosOf } from './scenarios';
import { workflowsOf } from './workflow';

const workflowOf = (text: string) => workflowsOf(modelOf({ [WORKFLOW]: text }))[0];
const labels = (text: string, job: string) => {
  const workflow = workflowOf(text);
  return runsOf(workflow, workflow.jobs.find(candidate => candidate.id === job)!).map(scenario => scenario.label);
};

describe('trigger scenarios', () => {
  it('follows the push filters: branches only, tags only, both, neither', () => {
    const of = (on: string) => scenariosOf(workflowOf(`on: ${on}\njobs: {}\n`)).map(scenario => scenario.label);
    expect(of('{push: {branches: [main, "release/**"]}}')).toEqual(['push to main', 'push to release/1.0.0']);
    expect(of("{push: {tags: ['v*']}}")).toEqual(['push of tag v1.0.0']);
    expect(of("{push: {branches: [main], tags: ['v*']}, pull_request: null}")).toEqual(['push to main', 'push of tag v1.0.0', 'pull_request']);
    expect(of('[push, workflow_dispatch]')).toEqual(['push to main', 'push of tag v1.0.0', 'workflow_dispatch']);
  });

  it('skips a job whose condition or whose needs cannot run, unless it runs after skipped needs', () => {
    const text =
      "on: {push: {branches: [main], tags: ['v*']}}\njobs:\n" +
      "  test: {if: \"!startsWith(github.ref, 'refs/tags/')\", steps: []}\n" +
      '  image: {needs: [test], steps: []}\n' +
      '  report: {needs: [image], if: always(), steps: []}\n' +
      '  loop: {needs: [loop], steps: []}\n';
    expect(labels(text, 'image')).toEqual(['push to main']);
    expect(labels(text, 'report')).toEqual(['push to main', 'push of tag v1.0.0']);
    expect(labels(text, 'loop')).toEqual(['push to main', 'push of tag v1.0.0']);
  });
});
