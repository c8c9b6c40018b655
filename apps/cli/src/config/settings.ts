import { join } from 'node:path'
import { ConfigFileError, SettingMissingError, UsageError } from '../errors.js'
import { resolveConfigDir } from './config-dir.js'
import {
  DEFAULT_PROFILE,
  PROFILE_FIELD_CHECKS,
  PROFILE_FILE,
  PROFILE_NAME_PATTERN,
  type Profile,
  profileNameMessage,
  readProfileFile,
} from './profile.js'

export type SettingName = keyof Profile

/** Source of a setting's value, in order of precedence. */
export type SettingSource = 'flag' | 'environment' | 'profile'

/** Global options that select a profile or override its settings. */
export interface SettingFlags {
  profile?: string
  apiUrl?: string
  region?: string
  userPoolId?: string
  clientId?: string
  cognitoEndpoint?: string
}

/** The settings of one invocation, after flags, environment and profile are merged. */
export interface Settings {
  configDir: string
  profileName: string
  values: Partial<Profile>
  sources: Partial<Record<SettingName, SettingSource>>
}

/** Flag and environment variable of each setting; docs/cli.md lists the same table. */
export const SETTING_NAMES: Readonly<Record<SettingName, { flag: string; variable: string }>> = {
  apiUrl: { flag: '--api-url', variable: 'TRAINPLANE_API_URL' },
  region: { flag: '--region', variable: 'TRAINPLANE_REGION' },
  userPoolId: { flag: '--user-pool-id', variable: 'TRAINPLANE_USER_POOL_ID' },
  clientId: { flag: '--client-id', variable: 'TRAINPLANE_CLIENT_ID' },
  cognitoEndpoint: { flag: '--cognito-endpoint', variable: 'TRAINPLANE_COGNITO_ENDPOINT' },
}

export const PROFILE_VARIABLE = 'TRAINPLANE_PROFILE'

/**
 * Merges the settings: a flag overrides the environment, which overrides the profile. A profile
 * named by `--profile` or `TRAINPLANE_PROFILE` must exist. The default profile may be absent,
 * because flags or the environment can give every setting a command needs. Settings set nowhere
 * are left out, and each command calls `requireSetting` for the ones it needs.
 *
 * @throws UsageError for an invalid flag or environment variable value
 * @throws ConfigFileError for an invalid profile file, or a named profile it does not contain
 */
export function resolveSettings(
  flags: SettingFlags,
  env: Record<string, string | undefined>,
): Settings {
  const configDir = resolveConfigDir(env)
  const explicitName = flags.profile ?? (env[PROFILE_VARIABLE] || undefined)
  const profileName = explicitName ?? DEFAULT_PROFILE

  if (!PROFILE_NAME_PATTERN.test(profileName)) {
    throw new UsageError(profileNameMessage(profileName))
  }

  const file = readProfileFile(configDir)
  const profile = file.profiles[profileName]
  if (profile === undefined && explicitName !== undefined) {
    const known = Object.keys(file.profiles)
    const path = join(configDir, PROFILE_FILE)
    throw new ConfigFileError(
      path,
      `profile ${profileName} not found in ${path}; ${
        known.length > 0 ? `the profiles are ${known.join(', ')}` : 'the file has no profiles'
      }`,
    )
  }

  const values: Partial<Profile> = {}
  const sources: Partial<Record<SettingName, SettingSource>> = {}

  for (const setting of Object.keys(SETTING_NAMES) as SettingName[]) {
    const { flag, variable } = SETTING_NAMES[setting]
    const fromFlag = flags[setting]
    const fromEnvironment = env[variable] || undefined
    const fromProfile = profile?.[setting]

    if (fromFlag !== undefined) {
      const message = PROFILE_FIELD_CHECKS[setting](fromFlag)
      if (message) {
        throw new UsageError(`option ${flag} ${JSON.stringify(fromFlag)} is invalid: ${message}`)
      }
      values[setting] = fromFlag
      sources[setting] = 'flag'
    } else if (fromEnvironment !== undefined) {
      const message = PROFILE_FIELD_CHECKS[setting](fromEnvironment)
      if (message) {
        throw new UsageError(
          `environment variable ${variable}=${JSON.stringify(fromEnvironment)} is invalid: ${message}`,
        )
      }
      values[setting] = fromEnvironment
      sources[setting] = 'environment'
    } else if (fromProfile !== undefined) {
      values[setting] = fromProfile
      sources[setting] = 'profile'
    }
  }

  return { configDir, profileName, values, sources }
}

/**
 * Returns a setting a command cannot work without.
 *
 * @throws SettingMissingError naming the flag, the variable and the profile that could set it
 */
export function requireSetting(settings: Settings, setting: SettingName): string {
  const value = settings.values[setting]
  if (value !== undefined) {
    return value
  }

  const { flag, variable } = SETTING_NAMES[setting]
  const path = join(settings.configDir, PROFILE_FILE)
  throw new SettingMissingError(
    setting,
    `${setting} is not set; pass ${flag}, set ${variable}, or add it to profile ${settings.profileName} in ${path}`,
  )
}
