import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Generate a node-service from form parameters, published to this Backstage\'s Git remote',
    example: `steps:
  - id: generate
    name: Generate the repo
    action: slipway:generate
    input:
      goldenPath: node-service
      publisher: local
      values:
        name: \${{ parameters.name }}
        owner: \${{ parameters.owner }}
        description: \${{ parameters.description }}
        database: \${{ parameters.database }}
`,
  },
  {
    description: 'Only the required fields: every other field takes the spec default',
    example: `steps:
  - id: generate
    action: slipway:generate
    input:
      goldenPath: node-service
      values:
        name: orders
        owner: group:default/team-a
        description: Takes orders.
`,
  },
  {
    description: 'Three environments (dev, staging, production) with a database, written into a sub-folder',
    example: `steps:
  - id: generate
    action: slipway:generate
    input:
      goldenPath: node-service
      targetPath: services/billing
      values:
        name: billing
        owner: group:default/payments
        description: Issues invoices.
        database: postgres
        environments:
          - name: dev
          - name: staging
          - name: production
            host: billing.acme.com
`,
  },
];
