import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { localQueueCatalog } from '../../../compose/local-queue.mjs'
import { type EnvironmentExpectation, importLoader } from './config-variables.js'
import { REPOSITORY_ROOT } from './paths.js'

/** The AWS SDK reads the credentials itself; no configuration schema does. */
const SDK_CREDENTIALS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']

interface ServiceProgram {
  /** The configuration loaders of the program the service runs: file and export name. */
  loaders: [file: string, exportName: string][]
  readElsewhere?: string[]
  suppliedByCommand?: Record<string, string>
}

/**
 * What each service of compose.yaml runs, by the configuration loaders of that program. A
 * service with no loaders reads no configuration from its environment, so compose sets none.
 */
export const SERVICE_PROGRAMS: Record<string, ServiceProgram> = {
  api: {
    loaders: [['apps/api/src/config.ts', 'loadConfig']],
    readElsewhere: SDK_CREDENTIALS,
  },
  worker: {
    loaders: [['apps/worker/src/config.ts', 'loadConfig']],
    readElsewhere: SDK_CREDENTIALS,
  },
  'lambda-host': {
    loaders: [
      ['apps/triggers/src/config.ts', 'loadBatchEventsConfig'],
      ['apps/triggers/src/config.ts', 'loadPostConfirmationConfig'],
    ],
    readElsewhere: SDK_CREDENTIALS,
    // Without SNS_ENDPOINT, trainplane-lambda-host starts the SNS recorder, points batch-events
    // at it and names a topic of the recorder when SNS_TOPIC_ARN is unset too.
    suppliedByCommand: {
      SNS_ENDPOINT: 'http://127.0.0.1:9002',
      SNS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:trainplane-run-events',
    },
  },
  'cognito-local': {
    loaders: [['docker/compose/cognito-local-config.mjs', 'loadCognitoLocalConfig']],
  },
  init: {
    loaders: [['docker/compose/init-config.mjs', 'loadInitConfig']],
    readElsewhere: SDK_CREDENTIALS,
  },
  dynamodb: { loaders: [] },
  // batch-local takes its settings from its command line.
  'batch-local': { loaders: [] },
}

/** Writes the compose stack's queue catalog to a file, for loaders that read QUEUE_CATALOG_PATH. */
export function writeCatalogFile(dir: string): string {
  const path = join(dir, 'queue-catalog.json')
  writeFileSync(path, JSON.stringify(localQueueCatalog()))
  return path
}

/**
 * Returns a valid value for every variable the loaders above may require, so each loader can be
 * probed for the variables it requires.
 */
export function sampleEnvironment(catalogPath: string): Record<string, string> {
  return {
    AWS_REGION: 'eu-west-1',
    TABLE_PREFIX: 'trainplane-sample',
    DYNAMODB_ENDPOINT: 'http://dynamodb.sample:8000',
    COGNITO_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Sample',
    COGNITO_CLIENT_IDS: 'sampleclient',
    QUEUE_CATALOG_PATH: catalogPath,
    CURSOR_SIGNING_KEY: 'c'.repeat(40),
    RUN_TOKEN_KEY: 'r'.repeat(40),
    SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:trainplane-sample',
    RUN_REPORT_URL: 'http://api.sample:3000',
    COGNITO_ISSUER_DOMAIN: 'http://127.0.0.1:9229',
    COGNITO_USER_POOL_ID: 'local_sample',
    COGNITO_CLIENT_ID: 'sample_client',
    COGNITO_ENDPOINT: 'http://cognito.sample:9229',
    LAMBDA_ENDPOINT: 'http://lambda.sample:9001',
    BATCH_ENDPOINT: 'http://batch.sample:9100',
    INIT_STATE_DIR: '/var/lib/sample',
  }
}

/**
 * Builds the environment expectation of a service of compose.yaml.
 *
 * @param catalogPath - a valid catalog file, which replaces QUEUE_CATALOG_PATH, a path inside
 *   the containers, when the loaders validate the service's environment
 * @returns undefined for a service this table does not know
 */
export async function expectationFor(
  service: string,
  catalogPath: string,
): Promise<EnvironmentExpectation | undefined> {
  const program = SERVICE_PROGRAMS[service]
  if (!program) return undefined

  const loaders = await Promise.all(
    program.loaders.map(([file, exportName]) => importLoader(REPOSITORY_ROOT, file, exportName)),
  )
  return {
    loaders,
    readElsewhere: program.readElsewhere ?? [],
    suppliedByCommand: program.suppliedByCommand ?? {},
    replacements: { QUEUE_CATALOG_PATH: catalogPath },
  }
}
