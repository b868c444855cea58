import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Validate the generated repo at the workspace root, building the kustomize overlays when a kustomize binary is available',
    example: `steps:
  - id: validate
    name: Validate the generated repo
    action: slipway:validate
`,
  },
  {
    description: 'Validate a repo generated into a sub-folder, without building overlays',
    example: `steps:
  - id: validate
    action: slipway:validate
    input:
      path: billing
      kustomize: skip
`,
  },
];
