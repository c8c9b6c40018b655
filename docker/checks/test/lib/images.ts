/** An image this repository builds, and what its checks expect of it. */
export interface ImageDefinition {
  /** The Dockerfile, relative to the repository root. */
  dockerfile: string
  /** Stages built with --target; the last stage, the default target, is checked as well. */
  targets: string[]
  /** The image stages that serve a port and must declare a HEALTHCHECK. */
  healthchecks: string[]
  /**
   * For the Node.js images: the workspaces whose production dependencies the image installs,
   * and those whose built output it runs.
   */
  node?: { installs: string[]; runs: string[] }
}

export const IMAGES: ImageDefinition[] = [
  {
    dockerfile: 'docker/api.Dockerfile',
    targets: [],
    healthchecks: ['runtime'],
    node: { installs: ['@trainplane/api'], runs: ['@trainplane/api'] },
  },
  {
    dockerfile: 'docker/worker.Dockerfile',
    targets: [],
    healthchecks: [],
    node: { installs: ['@trainplane/worker'], runs: ['@trainplane/worker'] },
  },
  {
    dockerfile: 'docker/lambda-host.Dockerfile',
    targets: [],
    healthchecks: ['runtime'],
    node: { installs: ['@trainplane/triggers'], runs: ['@trainplane/triggers'] },
  },
  {
    dockerfile: 'docker/batch-local.Dockerfile',
    targets: [],
    healthchecks: ['runtime'],
    node: { installs: ['@trainplane/batch-local'], runs: ['@trainplane/batch-local'] },
  },
  {
    dockerfile: 'docker/local-tools.Dockerfile',
    targets: ['cognito-local', 'init'],
    healthchecks: ['cognito-local'],
    node: {
      installs: ['@trainplane/shared', '@trainplane/testkit', '@trainplane/batch-local'],
      runs: ['@trainplane/shared'],
    },
  },
  {
    dockerfile: 'docker/dynamodb-local.Dockerfile',
    targets: [],
    healthchecks: ['runtime'],
  },
  {
    dockerfile: 'docker/trainer/Dockerfile',
    targets: ['base', 'ddp-digits'],
    healthchecks: [],
  },
]
