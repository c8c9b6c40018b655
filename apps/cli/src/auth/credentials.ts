import { chmodSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { PRIVATE_FILE_MODE, readJsonFile, writePrivateFile } from '../config/private-file.js'
import { ConfigFileError } from '../errors.js'

/** Name of the token file in the config directory. */
export const CREDENTIALS_FILE = 'credentials.json'

/** Tokens of one profile's sign-in. Never printed, never logged. */
export interface StoredTokens {
  username: string
  /** App client the tokens were issued to; tokens of another client are not reused. */
  clientId: string
  userPoolId?: string
  accessToken: string
  idToken?: string
  refreshToken?: string
  /** ISO time at which the access token expires. */
  expiresAt: string
}

interface CredentialsFile {
  profiles: Record<string, StoredTokens>
}

const REQUIRED_STRINGS = ['username', 'clientId', 'accessToken', 'expiresAt'] as const
const OPTIONAL_STRINGS = ['userPoolId', 'idToken', 'refreshToken'] as const

function isStoredTokens(value: unknown): value is StoredTokens {
  if (typeof value !== 'object' || value === null) {
    return false
  }
  const record = value as Record<string, unknown>
  const requiredPresent = REQUIRED_STRINGS.every((field) => typeof record[field] === 'string')
  const optionalValid = OPTIONAL_STRINGS.every(
    (field) => record[field] === undefined || typeof record[field] === 'string',
  )
  return requiredPresent && optionalValid && !Number.isNaN(Date.parse(record.expiresAt as string))
}

/**
 * The token file `credentials.json`: tokens by profile name, mode 0600 in a 0700 directory.
 * Every write replaces the file atomically.
 */
export class CredentialStore {
  readonly path: string
  readonly #warn: (message: string) => void

  constructor(configDir: string, warn: (message: string) => void) {
    this.path = join(configDir, CREDENTIALS_FILE)
    this.#warn = warn
  }

  /**
   * Returns a profile's tokens, or undefined when it has none or they are incomplete.
   *
   * @throws ConfigFileError when the file is not a credentials file
   */
  get(profileName: string): StoredTokens | undefined {
    const file = this.#read()
    const tokens = file?.profiles[profileName]
    if (tokens === undefined) {
      return undefined
    }
    if (!isStoredTokens(tokens)) {
      this.#warn(`the stored sign-in of profile ${profileName} in ${this.path} is incomplete`)
      return undefined
    }
    return tokens
  }

  /** Stores a profile's tokens, keeping the other profiles'. */
  put(profileName: string, tokens: StoredTokens): void {
    let file: CredentialsFile | undefined
    try {
      file = this.#read()
    } catch (err) {
      if (!(err instanceof ConfigFileError)) {
        throw err
      }
      // The file contains nothing usable, so a new sign-in replaces it rather than failing.
      this.#warn(`${err.message}; replacing it`)
    }

    const profiles = { ...(file?.profiles ?? {}), [profileName]: tokens }
    writePrivateFile(this.path, `${JSON.stringify({ profiles }, null, 2)}\n`)
  }

  /** Removes a profile's tokens; returns whether there were any. */
  remove(profileName: string): boolean {
    const file = this.#read()
    if (file?.profiles[profileName] === undefined) {
      return false
    }
    const { [profileName]: _removed, ...profiles } = file.profiles
    writePrivateFile(this.path, `${JSON.stringify({ profiles }, null, 2)}\n`)
    return true
  }

  #read(): CredentialsFile | undefined {
    const parsed = readJsonFile(this.path)
    if (parsed === undefined) {
      return undefined
    }

    this.#tightenMode()

    const profiles = (parsed as { profiles?: unknown } | null)?.profiles
    if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
      throw new ConfigFileError(
        this.path,
        `credentials file ${this.path} is invalid: /profiles must be an object; delete the file and run \`trainplane login\``,
      )
    }
    return parsed as CredentialsFile
  }

  /** Sets a token file that other users can read back to mode 0600, and warns that it was open. */
  #tightenMode(): void {
    const mode = statSync(this.path).mode & 0o777
    if ((mode & 0o077) !== 0) {
      chmodSync(this.path, PRIVATE_FILE_MODE)
      this.#warn(
        `${this.path} was readable by other users (mode ${mode.toString(8)}); changed it to 600. Run \`trainplane logout\` and \`trainplane login\` if others may have read it`,
      )
    }
  }
}
