import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const examples: TemplateExample[] = [
  {
    description: 'Generate a service from form parameters, with the GitOps repo taken from a RepoUrlPicker',
    example: `steps:
  - id: generate
    name: Generate the service
    action: slipway:service:generate
    input:
      name: \${{ parameters.name }}
      owner: \${{ parameters.owner }}
      description: \${{ parameters.description }}
      system: \${{ parameters.system }}
      database: \${{ parameters.database }}
      port: \${{ parameters.port }}
      gitops:
        repoUrl: https://github.com/\${{ (parameters.repoUrl | parseRepoUrl).owner }}/\${{ (parameters.repoUrl | parseRepoUrl).repo }}.git
`,
  },
  {
    description: 'Only the required fields: every other field takes the spec default',
    example: `steps:
  - id: generate
    action: slipway:service:generate
    input:
      name: orders
      owner: group:default/team-a
      description: Takes orders.
`,
  },
  {
    description: 'A service with a PostgreSQL database, custom hosts and a slower production canary, written into a sub-folder',
    example: `steps:
  - id: generate
    action: slipway:service:generate
    input:
      name: billing
      owner: group:default/payments
      description: Issues invoices.
      system: system:default/payments
      database: postgres
      postgres:
        instances: 3
        storageSize: 20Gi
      # In promotion order; the last is the production tier.
      environments:
        - name: staging
          host: billing.staging.acme.io
        - name: production
          host: billing.acme.io
          canary:
            steps:
              - weight: 5
                pause: 10m
              - weight: 50
                pause: 10m
      targetPath: billing
`,
  },
  {
    description: 'Three environments, dev → staging → production: dev on every push, a v* tag promotes through staging to production',
    example: `steps:
  - id: generate
    action: slipway:service:generate
    input:
      name: catalog
      owner: group:default/team-a
      description: Serves the book catalogue.
      environments:
        - name: dev
          replicas: 1
          autoscaling:
            max: 2
        - name: staging
          host: catalog.staging.acme.io
        - name: production
          host: catalog.acme.io
`,
  },
];
