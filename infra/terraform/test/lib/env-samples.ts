import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** A minimal valid queue catalog, for config schemas that load QUEUE_CATALOG_PATH. */
const SAMPLE_CATALOG = {
  queues: [
    {
      name: 'sample',
      jobQueue: 'trainplane-dev-sample',
      jobDefinition: 'trainplane-dev-sample',
      maxNodes: 2,
      gpusPerNode: 1,
      vcpusPerNode: 4,
      memoryMiBPerNode: 16384,
      sharedMemoryMiB: 1024,
      spot: false,
      fairShare: true,
      maxRunnableSeconds: 3600,
      maxTimeoutSeconds: 3600,
      pricePerGpuHour: 1,
      allowedImagePrefixes: ['registry.example/trainer:'],
    },
  ],
}

/**
 * Returns a valid value for every variable a config schema may require, so the environment
 * check can run each loader.
 *
 * @param dir - folder for the sample catalog file, which the caller removes
 */
export function sampleEnvironment(dir: string): Record<string, string> {
  const catalogPath = join(dir, 'queue-catalog.json')
  writeFileSync(catalogPath, JSON.stringify(SAMPLE_CATALOG))

  return {
    AWS_REGION: 'eu-west-1',
    TABLE_PREFIX: 'trainplane-dev',
    COGNITO_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Sample',
    COGNITO_CLIENT_IDS: 'cliclient,webclient',
    QUEUE_CATALOG_PATH: catalogPath,
    CURSOR_SIGNING_KEY: 'c'.repeat(48),
    RUN_TOKEN_KEY: 'r'.repeat(48),
    SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:trainplane-dev-run-events',
    RUN_REPORT_URL: 'http://internal-trainplane-dev-api.eu-west-1.elb.amazonaws.com',
  }
}
