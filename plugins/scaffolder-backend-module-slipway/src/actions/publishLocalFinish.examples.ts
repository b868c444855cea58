import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: "Publish a system's repos as one group, then finish the group: only now are they kept for good",
    example: `steps:
  - id: publish
    each: \${{ steps['generate'].output.parts }}
    action: slipway:publish:local
    input:
      name: \${{ each.value.name }}
      sourcePath: \${{ each.value.targetPath }}
      group: \${{ parameters.name }}
  - id: finish
    action: slipway:publish:local:finish
    input:
      group: \${{ parameters.name }}
`,
  },
  {
    description: 'Finish the group bookstore of this task',
    example: `steps:
  - id: finish
    action: slipway:publish:local:finish
    input:
      group: bookstore
`,
  },
];
