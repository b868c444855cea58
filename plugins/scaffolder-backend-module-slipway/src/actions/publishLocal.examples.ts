import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Publish the generated repo as a local Git repo served by Slipway and register its catalog-info.yaml',
    example: `steps:
  - id: publish
    name: Publish to the local Git server
    action: slipway:publish:local
    input:
      name: \${{ parameters.name }}
      description: \${{ parameters.description }}
`,
  },
  {
    description: 'Publish a sub-folder of the workspace on a "trunk" branch, without registering it in the catalog',
    example: `steps:
  - id: publish
    action: slipway:publish:local
    input:
      name: billing
      sourcePath: billing
      defaultBranch: trunk
      register: false
`,
  },
];
