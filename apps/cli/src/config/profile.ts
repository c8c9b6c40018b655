import { join } from 'node:path'
import { ConfigFileError, type Problem } from '../errors.js'
import { readJsonFile, writePrivateFile } from './private-file.js'

/** Name of the profile file in the config directory. */
export const PROFILE_FILE = 'config.json'

/** Profile used when neither `--profile` nor `TRAINPLANE_PROFILE` names one. */
export const DEFAULT_PROFILE = 'default'

/**
 * Endpoint and pool settings of one deployment. The local stack writes one, and the Terraform
 * output `cli_profile` renders the same shape.
 */
export interface Profile {
  /** Base URL of the REST API, such as `https://api.example.com`. */
  apiUrl: string
  /** AWS Region of the user pool. */
  region: string
  userPoolId: string
  /** App client with the USER_PASSWORD_AUTH flow enabled and no client secret. */
  clientId: string
  /** Cognito API endpoint to use instead of the Region's, for cognito-local. */
  cognitoEndpoint?: string
}

/** Contents of `config.json`. */
export interface ProfileFile {
  profiles: Record<string, Profile>
}

export const PROFILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

/** Cognito's UserPoolId pattern (Amazon Cognito API reference, CreateUserPool response). */
const USER_POOL_ID_PATTERN = /^[\w-]+_[0-9a-zA-Z]+$/

/** Cognito's ClientId pattern and length (Amazon Cognito API reference, InitiateAuth). */
const CLIENT_ID_PATTERN = /^[\w+]{1,128}$/

/** Region names are lowercase letters, digits and hyphens, such as `eu-west-1`. */
const REGION_PATTERN = /^[a-z0-9-]{1,32}$/

type FieldCheck = (value: string) => string | undefined

function checkHttpUrl(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'must be an absolute URL, such as https://api.example.com'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must be an http or https URL, not ${url.protocol}`
  }
  return undefined
}

function checkPattern(pattern: RegExp, example: string): FieldCheck {
  return (value) => (pattern.test(value) ? undefined : `must look like ${example}`)
}

/** Checks of each profile field, shared by the profile file, flags and environment variables. */
export const PROFILE_FIELD_CHECKS: Readonly<Record<keyof Profile, FieldCheck>> = {
  apiUrl: checkHttpUrl,
  region: checkPattern(REGION_PATTERN, 'us-east-1'),
  userPoolId: checkPattern(USER_POOL_ID_PATTERN, 'us-east-1_AbCdEf123'),
  clientId: checkPattern(CLIENT_ID_PATTERN, '1example23456789 (letters, digits, _ and +)'),
  cognitoEndpoint: checkHttpUrl,
}

const REQUIRED_FIELDS = ['apiUrl', 'region', 'userPoolId', 'clientId'] as const
const KNOWN_FIELDS = new Set<string>(Object.keys(PROFILE_FIELD_CHECKS))

/**
 * Validates one profile.
 *
 * @param value - parsed JSON
 * @param pointer - JSON pointer of the profile in its file, used in the problems
 * @returns every problem found, empty when the profile is valid
 */
export function checkProfile(value: unknown, pointer = ''): Problem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ field: pointer || '/', message: 'must be an object' }]
  }

  const problems: Problem[] = []
  const record = value as Record<string, unknown>

  for (const field of REQUIRED_FIELDS) {
    if (record[field] === undefined) {
      problems.push({ field: `${pointer}/${field}`, message: 'is missing' })
    }
  }

  for (const [field, fieldValue] of Object.entries(record)) {
    if (!KNOWN_FIELDS.has(field)) {
      problems.push({
        field: `${pointer}/${field}`,
        message: `is not a profile field; the fields are ${[...KNOWN_FIELDS].join(', ')}`,
      })
      continue
    }
    if (typeof fieldValue !== 'string') {
      problems.push({ field: `${pointer}/${field}`, message: 'must be a string' })
      continue
    }
    const message = PROFILE_FIELD_CHECKS[field as keyof Profile](fieldValue)
    if (message) {
      problems.push({ field: `${pointer}/${field}`, message })
    }
  }

  return problems
}

/**
 * Reads and validates `config.json` in the config directory.
 *
 * @returns the profiles, or none when the file does not exist
 * @throws ConfigFileError listing every invalid field
 */
export function readProfileFile(configDir: string): ProfileFile {
  const path = join(configDir, PROFILE_FILE)
  const parsed = readJsonFile(path)
  if (parsed === undefined) {
    return { profiles: {} }
  }

  const problems: Problem[] = []
  const profiles = (parsed as { profiles?: unknown } | null)?.profiles
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
    problems.push({ field: '/profiles', message: 'must be an object of profiles by name' })
  } else {
    for (const [name, profile] of Object.entries(profiles)) {
      if (!PROFILE_NAME_PATTERN.test(name)) {
        problems.push({ field: `/profiles/${name}`, message: profileNameMessage(name) })
      }
      problems.push(...checkProfile(profile, `/profiles/${name}`))
    }
  }

  if (problems.length > 0) {
    throw new ConfigFileError(
      path,
      `profile file ${path} is invalid; fix the fields listed below`,
      {
        problems,
      },
    )
  }
  return parsed as ProfileFile
}

/**
 * Adds or replaces one profile in `config.json`, keeping the others. Creates the directory with
 * mode 0700 and writes the file with mode 0600.
 *
 * @param configDir - the config directory, usually from `resolveConfigDir(process.env)`
 * @param name - profile name, such as `local`
 * @param profile - the settings to store
 * @returns the path of the profile file
 * @throws ConfigFileError when the profile is invalid, or the existing file cannot be read
 * @example
 * writeProfile(resolveConfigDir(process.env), 'local', {
 *   apiUrl: 'http://127.0.0.1:3000',
 *   region: 'us-east-1',
 *   userPoolId: 'local_5ajG9mXp',
 *   clientId: '7e0mu9glxxmmgpdsu1zw5hpq1',
 *   cognitoEndpoint: 'http://127.0.0.1:9229',
 * })
 */
export function writeProfile(configDir: string, name: string, profile: Profile): string {
  const path = join(configDir, PROFILE_FILE)
  if (!PROFILE_NAME_PATTERN.test(name)) {
    throw new ConfigFileError(path, profileNameMessage(name))
  }
  const problems = checkProfile(profile)
  if (problems.length > 0) {
    throw new ConfigFileError(path, `profile ${name} is invalid; fix the fields listed below`, {
      problems,
    })
  }

  const file = readProfileFile(configDir)
  const stored: Profile = {
    apiUrl: profile.apiUrl,
    region: profile.region,
    userPoolId: profile.userPoolId,
    clientId: profile.clientId,
    ...(profile.cognitoEndpoint !== undefined && { cognitoEndpoint: profile.cognitoEndpoint }),
  }
  file.profiles[name] = stored
  writePrivateFile(path, `${JSON.stringify(file, null, 2)}\n`)
  return path
}

export function profileNameMessage(name: string): string {
  return `profile name ${JSON.stringify(name)} is invalid; use letters, digits, '.', '_' and '-' (at most 64)`
}
