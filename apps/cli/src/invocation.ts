import type { Command } from 'commander'
import { ApiClient } from './api/api-client.js'
import { CredentialStore } from './auth/credentials.js'
import { Session } from './auth/session.js'
import {
  requireSetting,
  resolveSettings,
  type SettingFlags,
  type Settings,
} from './config/settings.js'
import type { CliContext } from './context.js'
import { EXIT_SUCCESS } from './exit-codes.js'
import { printable } from './output/text.js'
import { CLI_VERSION } from './version.js'

/**
 * One run of the CLI: the context, the global options, and what commands build from them.
 * Settings, the token store and the API client are made on first use, so `--help` and commands
 * that need no settings work without a profile.
 */
export class Invocation {
  /** Exit code the command chose; errors set theirs when they reach the top. */
  exitCode = EXIT_SUCCESS

  readonly context: CliContext
  #flags: SettingFlags = {}
  #settings: Settings | undefined
  #credentials: CredentialStore | undefined
  #session: Session | undefined
  #api: ApiClient | undefined

  constructor(context: CliContext) {
    this.context = context
  }

  /** Reads the global options of the command being run; called before its action. */
  useGlobalOptions(command: Command): void {
    const options = command.optsWithGlobals<SettingFlags>()
    this.#flags = {
      ...(options.profile !== undefined && { profile: options.profile }),
      ...(options.apiUrl !== undefined && { apiUrl: options.apiUrl }),
      ...(options.region !== undefined && { region: options.region }),
      ...(options.userPoolId !== undefined && { userPoolId: options.userPoolId }),
      ...(options.clientId !== undefined && { clientId: options.clientId }),
      ...(options.cognitoEndpoint !== undefined && { cognitoEndpoint: options.cognitoEndpoint }),
    }
  }

  get settings(): Settings {
    this.#settings ??= resolveSettings(this.#flags, this.context.env)
    return this.#settings
  }

  get credentials(): CredentialStore {
    this.#credentials ??= new CredentialStore(this.settings.configDir, (message) =>
      this.warn(message),
    )
    return this.#credentials
  }

  get session(): Session {
    this.#session ??= new Session(this.credentials, this.settings, this.context.now)
    return this.#session
  }

  /** The API client, which needs the API URL and a sign-in. */
  get api(): ApiClient {
    this.#api ??= new ApiClient({
      apiUrl: requireSetting(this.settings, 'apiUrl'),
      session: this.session,
      fetch: this.context.fetch,
      sleep: this.context.sleep,
      userAgent: `trainplane-cli/${CLI_VERSION} node/${process.versions.node}`,
    })
    return this.#api
  }

  print(text: string): void {
    this.context.stdout.write(text)
  }

  printJson(value: unknown): void {
    this.context.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
  }

  /** Writes a note for people to standard error, which scripts reading stdout never see. */
  note(text: string): void {
    this.context.stderr.write(`${printable(text)}\n`)
  }

  warn(message: string): void {
    this.context.stderr.write(`warning: ${printable(message)}\n`)
  }
}
