import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@trainplane/testkit'

/** The repository root, found from this file's place in packages/local-stack/dist. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

export interface PortSetting {
  component: string
  variable: string
  port: number
}

export interface LocalStackSettings {
  /** Folder that keeps every component's data between starts. */
  dataDir: string
  ports: {
    api: PortSetting
    dynamodb: PortSetting
    cognito: PortSetting
    batch: PortSetting
    lambda: PortSetting
    sns: PortSetting
  }
  /** Start from empty data. */
  fresh: boolean
  /** Echo every component's log lines to this terminal. */
  echoLogs: boolean
  /** Where the CLI profile is written; the CLI's own default when absent. */
  cliConfigDir?: string
}

const DEFAULT_PORTS = {
  api: { component: 'the API', variable: 'TRAINPLANE_API_PORT', port: 3000 },
  dynamodb: { component: 'DynamoDB Local', variable: 'TRAINPLANE_DYNAMODB_PORT', port: 8000 },
  cognito: { component: 'cognito-local', variable: 'TRAINPLANE_COGNITO_PORT', port: 9229 },
  batch: { component: 'batch-local', variable: 'TRAINPLANE_BATCH_PORT', port: 9100 },
  lambda: { component: 'the Lambda host', variable: 'TRAINPLANE_LAMBDA_PORT', port: 9001 },
  sns: { component: 'the SNS recorder', variable: 'TRAINPLANE_SNS_PORT', port: 9002 },
} as const

/** An environment variable of the local stack holds an invalid value. */
export class LocalStackSettingError extends Error {
  constructor(variable: string, value: string, expected: string) {
    super(`${variable}=${JSON.stringify(value)} is invalid; expected ${expected}`)
    this.name = 'LocalStackSettingError'
  }
}

function portFrom(env: NodeJS.ProcessEnv, setting: PortSetting): PortSetting {
  const raw = env[setting.variable]
  if (raw === undefined || raw === '') return { ...setting }
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LocalStackSettingError(
      setting.variable,
      raw,
      'a port from 1 to 65535, or 0 for any free port',
    )
  }
  return { ...setting, port }
}

/** Reads the settings from the environment and flags. Port 0 means any free port. */
export function readSettings(
  env: NodeJS.ProcessEnv,
  flags: { fresh: boolean; quiet: boolean },
): LocalStackSettings {
  const ports = Object.fromEntries(
    Object.entries(DEFAULT_PORTS).map(([key, setting]) => [key, portFrom(env, setting)]),
  ) as LocalStackSettings['ports']
  return {
    dataDir: resolve(env.TRAINPLANE_LOCAL_DIR || join(REPO_ROOT, '.local')),
    ports,
    fresh: flags.fresh,
    echoLogs: !flags.quiet,
    ...(env.TRAINPLANE_CONFIG_DIR && { cliConfigDir: env.TRAINPLANE_CONFIG_DIR }),
  }
}

/** Replaces port 0 with a free port, so every component's address is known before it starts. */
export async function resolvePorts(settings: LocalStackSettings): Promise<LocalStackSettings> {
  const ports = { ...settings.ports }
  for (const key of Object.keys(ports) as (keyof typeof ports)[]) {
    if (ports[key].port === 0) ports[key] = { ...ports[key], port: await freePort() }
  }
  return { ...settings, ports }
}
