import { dirname } from 'node:path'
import {
  type ComposeFile,
  commandOf,
  effectiveExposedPorts,
  environmentOf,
  publishedPorts,
  volumeMounts,
} from './compose.js'

/** Settings every service that sets them must set to the same value. */
const SHARED_SETTINGS = [
  'AWS_REGION',
  'TABLE_PREFIX',
  'CURSOR_SIGNING_KEY',
  'RUN_TOKEN_KEY',
  'SNS_TOPIC_ARN',
  'QUEUE_CATALOG_PATH',
  'COGNITO_USER_POOL_ID',
  'COGNITO_CLIENT_ID',
]

/**
 * Variables that contain addresses of the host, which no program inside a container connects to.
 * The API compares the issuer as a string, and cognito-local writes its domain into the tokens.
 */
const HOST_VIEW_VARIABLES = ['COGNITO_ISSUER', 'COGNITO_ISSUER_DOMAIN']

/** Reports each shared setting that services set to different values. */
export function checkSharedSettings(compose: ComposeFile): string[] {
  const problems: string[] = []
  for (const name of SHARED_SETTINGS) {
    const values = new Map<string, string[]>()
    for (const [service, definition] of Object.entries(compose.services)) {
      const value = environmentOf(definition)[name]
      if (value !== undefined) values.set(value, [...(values.get(value) ?? []), service])
    }
    if (values.size > 1) {
      const found = [...values].map(
        ([value, services]) => `${services.join(', ')}: ${JSON.stringify(value)}`,
      )
      problems.push(
        `${name} differs between services (${found.join('; ')}); set one value everywhere`,
      )
    }
  }
  return problems
}

/** Lists the container ports a service listens on: those it publishes and its image exposes. */
export function listeningPorts(compose: ComposeFile, service: string): Set<string> {
  const definition = compose.services[service]
  if (!definition) return new Set()
  return new Set([
    ...publishedPorts(definition).map((port) => port.containerPort),
    ...effectiveExposedPorts(compose, definition),
  ])
}

/** Finds the host port that a service publishes on 127.0.0.1 for a container port. */
export function hostPortOf(
  compose: ComposeFile,
  service: string,
  containerPort: string,
): string | undefined {
  const definition = compose.services[service]
  return definition
    ? publishedPorts(definition).find(
        (port) => port.hostIp === '127.0.0.1' && port.containerPort === containerPort,
      )?.hostPort
    : undefined
}

function parseHttpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}

function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80')
}

/**
 * Checks that every URL in an environment or a command line names a service of the file and a
 * port it listens on, because inside a container 127.0.0.1 is the container itself. The
 * variables with addresses of the host instead name 127.0.0.1 and a port a service publishes.
 */
export function checkServiceAddresses(compose: ComposeFile): string[] {
  const problems: string[] = []
  for (const [service, definition] of Object.entries(compose.services)) {
    const settings = [
      ...Object.entries(environmentOf(definition)),
      ...(commandOf(compose, definition) ?? []).map(
        (argument) => ['the command', argument] as const,
      ),
    ]
    for (const [name, value] of settings) {
      const url = value === undefined ? undefined : parseHttpUrl(value)
      if (!url) continue
      const where = `${service}: ${name} ${JSON.stringify(value)}`

      if (HOST_VIEW_VARIABLES.includes(name)) {
        const publishers = Object.keys(compose.services).filter((other) =>
          publishedPorts(compose.services[other] ?? {}).some(
            (port) => port.hostIp === '127.0.0.1' && port.hostPort === portOf(url),
          ),
        )
        if (url.hostname !== '127.0.0.1' || publishers.length === 0) {
          problems.push(
            `${where} is an address of the host, so it must be 127.0.0.1 and a port a service publishes there`,
          )
        }
      } else if (!compose.services[url.hostname]) {
        problems.push(
          `${where} names ${url.hostname}, which is no service of this file; inside a container use the service name`,
        )
      } else if (!listeningPorts(compose, url.hostname).has(portOf(url))) {
        problems.push(`${where} uses port ${portOf(url)}, which ${url.hostname} does not listen on`)
      }
    }
  }
  return problems
}

/**
 * Checks that the API accepts the tokens cognito-local signs. Its issuer is cognito-local's
 * issuer domain and user pool, it fetches that pool's keys from cognito-local, and it accepts the
 * app client.
 */
export function checkCognitoWiring(
  compose: ComposeFile,
  api = 'api',
  cognito = 'cognito-local',
): string[] {
  const apiEnvironment = environmentOf(compose.services[api] ?? {})
  const cognitoEnvironment = environmentOf(compose.services[cognito] ?? {})
  const pool = cognitoEnvironment.COGNITO_USER_POOL_ID ?? ''
  const problems: string[] = []

  const issuer = `${cognitoEnvironment.COGNITO_ISSUER_DOMAIN}/${pool}`
  if (apiEnvironment.COGNITO_ISSUER !== issuer) {
    problems.push(
      `${api}: COGNITO_ISSUER is ${JSON.stringify(apiEnvironment.COGNITO_ISSUER)}, but ${cognito} signs tokens for ${JSON.stringify(issuer)}`,
    )
  }

  const jwks = parseHttpUrl(apiEnvironment.COGNITO_JWKS_URL ?? '')
  if (!jwks || jwks.hostname !== cognito || jwks.pathname !== `/${pool}/.well-known/jwks.json`) {
    problems.push(
      `${api}: COGNITO_JWKS_URL is ${JSON.stringify(apiEnvironment.COGNITO_JWKS_URL)}; use http://${cognito}:<port>/${pool}/.well-known/jwks.json`,
    )
  }

  const clients = (apiEnvironment.COGNITO_CLIENT_IDS ?? '').split(',').map((id) => id.trim())
  if (!clients.includes(cognitoEnvironment.COGNITO_CLIENT_ID ?? '')) {
    problems.push(
      `${api}: COGNITO_CLIENT_IDS does not list ${cognito}'s app client ${JSON.stringify(cognitoEnvironment.COGNITO_CLIENT_ID)}`,
    )
  }
  return problems
}

/**
 * Checks that the init job writes the queue catalog into the volume the API and the worker read
 * it from. Each mounts one volume at the catalog's folder, read-only except for the writer.
 */
export function checkCatalogVolume(
  compose: ComposeFile,
  writer = 'init',
  readers = ['api', 'worker'],
): string[] {
  const problems: string[] = []
  const mounts = [writer, ...readers].map((service) => {
    const definition = compose.services[service] ?? {}
    const path = environmentOf(definition).QUEUE_CATALOG_PATH
    const mount = path
      ? volumeMounts(definition).find((candidate) => candidate.target === dirname(path))
      : undefined
    if (!mount) {
      problems.push(
        `${service}: no volume is mounted at the folder of QUEUE_CATALOG_PATH (${JSON.stringify(path)})`,
      )
    } else if (mount.readOnly !== (service !== writer)) {
      problems.push(
        `${service}: the catalog volume is mounted ${mount.readOnly ? 'read-only' : 'read-write'}; only ${writer} writes it`,
      )
    }
    return mount?.source
  })
  if (new Set(mounts.filter((source) => source !== undefined)).size > 1) {
    problems.push(
      `${[writer, ...readers].join(', ')} mount different volumes at the catalog folder; mount one volume`,
    )
  }
  return problems
}

/** A CLI profile in the format `trainplane profile import` reads. */
export interface CliProfile {
  apiUrl?: string
  region?: string
  userPoolId?: string
  clientId?: string
  cognitoEndpoint?: string
}

/** Checks that the CLI profile names the addresses the stack publishes and its ids. */
export function checkCliProfile(compose: ComposeFile, profile: CliProfile): string[] {
  const cognito = environmentOf(compose.services['cognito-local'] ?? {})
  const expected: CliProfile = {
    apiUrl: `http://127.0.0.1:${hostPortOf(compose, 'api', '3000')}`,
    region: cognito.AWS_REGION,
    userPoolId: cognito.COGNITO_USER_POOL_ID,
    clientId: cognito.COGNITO_CLIENT_ID,
    cognitoEndpoint: `http://127.0.0.1:${hostPortOf(compose, 'cognito-local', '9229')}`,
  }
  return (Object.keys(expected) as (keyof CliProfile)[])
    .filter((field) => profile[field] !== expected[field])
    .map(
      (field) =>
        `the CLI profile's ${field} is ${JSON.stringify(profile[field])}; compose.yaml makes it ${JSON.stringify(expected[field])}`,
    )
}
