import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: "A system from the form: each part's values come as YAML text; published to this Backstage's Git remote",
    example: `steps:
  - id: generate
    name: Generate the system's repos
    action: slipway:system:generate
    input:
      publisher: local
      values:
        name: \${{ parameters.name }}
        owner: \${{ parameters.owner }}
        description: \${{ parameters.description }}
        environments: \${{ parameters.environments }}
        parts: \${{ parameters.parts }}
        resources: \${{ parameters.resources }}
        edges: \${{ parameters.edges }}
  - id: publish
    name: Publish each part
    each: \${{ steps.generate.output.parts }}
    action: slipway:publish:local
    input:
      name: \${{ each.value.name }}
      sourcePath: \${{ each.value.targetPath }}
      catalogInfoPath: \${{ each.value.catalogInfoPath }}
`,
  },
  {
    description: 'Two parts, a frontend calling an API that uses PostgreSQL; the repos go under the values\' own repos.urlPattern',
    example: `steps:
  - id: generate
    action: slipway:system:generate
    input:
      values:
        name: shop
        owner: group:default/team-a
        description: Sells things.
        repos:
          urlPattern: https://github.com/acme/{name}.git
        parts:
          - name: web
            goldenPath: static-frontend
            values:
              description: The shop's pages.
          - name: api
            goldenPath: node-service
            values: |
              description: The shop's API.
        resources:
          - name: shop-db
            kind: postgres
        edges:
          calls:
            - from: web
              to: api
              pathPrefix: /api
          uses:
            - from: api
              to: shop-db
`,
  },
  {
    description: 'The same system in a sub-folder of the workspace, with dev, staging and production',
    example: `steps:
  - id: generate
    action: slipway:system:generate
    input:
      targetPath: systems
      values:
        name: shop
        owner: group:default/team-a
        description: Sells things.
        environments:
          - name: dev
          - name: staging
          - name: production
        parts:
          - name: web
            goldenPath: static-frontend
            values:
              description: The shop's pages.
          - name: api
            goldenPath: node-service
            values:
              description: The shop's API.
        edges:
          calls:
            - from: web
              to: api
              pathPrefix: /api
`,
  },
];
