import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE } from './exit-codes.js'

/** One invalid field, as a JSON pointer into the run spec or a setting name. */
export interface Problem {
  field: string
  message: string
}

/**
 * Base class of every error the CLI prints. `code` is stable and printed after the message;
 * `exitCode` is the process exit code.
 */
export class CliError extends Error {
  readonly code: string
  readonly exitCode: number
  readonly problems: Problem[]

  constructor(
    code: string,
    exitCode: number,
    message: string,
    options?: ErrorOptions & { problems?: Problem[] },
  ) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.exitCode = exitCode
    this.problems = options?.problems ?? []
  }
}

/** The command line is invalid: an unknown option, a missing argument, a malformed value. */
export class UsageError extends CliError {
  constructor(message: string) {
    super('CLI_ERR_USAGE', EXIT_USAGE, message)
  }
}

/** A run file that cannot be read or parsed. */
export class RunFileError extends CliError {
  constructor(
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super('CLI_ERR_RUN_FILE', EXIT_USAGE, message, options)
  }
}

/** A run spec that fails the schema or the size limits, with every problem found. */
export class RunSpecInvalidError extends CliError {
  constructor(problems: Problem[]) {
    super(
      'CLI_ERR_RUN_SPEC_INVALID',
      EXIT_USAGE,
      'the run spec is invalid; fix the fields listed below',
      { problems },
    )
  }
}

/** The profile file or the credentials file cannot be read, parsed or validated. */
export class ConfigFileError extends CliError {
  constructor(
    readonly path: string,
    message: string,
    options?: ErrorOptions & { problems?: Problem[] },
  ) {
    super('CLI_ERR_CONFIG_INVALID', EXIT_USAGE, message, options)
  }
}

/** A setting a command needs (the API URL, the app client id) is set nowhere. */
export class SettingMissingError extends CliError {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super('CLI_ERR_SETTING_MISSING', EXIT_USAGE, message)
  }
}

/** No usable sign-in: never signed in, signed in with another app client, or refresh rejected. */
export class LoginRequiredError extends CliError {
  constructor(reason: string, options?: ErrorOptions) {
    super('CLI_ERR_LOGIN_REQUIRED', EXIT_ERROR, `${reason}; run \`trainplane login\``, options)
  }
}

/** Cognito rejected a sign-in or refresh request; the code is Cognito's exception name. */
export class CognitoRequestError extends CliError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, EXIT_ERROR, message, options)
  }
}

/** Cognito asked for a sign-in step the CLI cannot complete here. */
export class ChallengeUnsupportedError extends CliError {
  constructor(
    readonly challenge: string,
    message: string,
  ) {
    super('CLI_ERR_CHALLENGE_UNSUPPORTED', EXIT_ERROR, message)
  }
}

/** A request that never got an HTTP response: refused, reset, DNS failure or timeout. */
export class NetworkError extends CliError {
  constructor(
    readonly url: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super('CLI_ERR_NETWORK', EXIT_ERROR, message, options)
  }
}

/** An HTTP response the CLI cannot read: not JSON, or not the expected shape. */
export class BadResponseError extends CliError {
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
  ) {
    super('CLI_ERR_BAD_RESPONSE', EXIT_ERROR, message)
  }
}

/** An error response from the API; the code is the API's own (API_ERR_...). */
export class ApiResponseError extends CliError {
  readonly field: string | undefined
  readonly requestId: string | undefined

  constructor(
    readonly status: number,
    code: string,
    message: string,
    details: { problems: Problem[]; field?: string; requestId?: string },
  ) {
    super(code, EXIT_ERROR, message, { problems: details.problems })
    this.field = details.field
    this.requestId = details.requestId
  }
}

/** The user stopped a prompt with Ctrl-C or Ctrl-D. */
export class InterruptedError extends CliError {
  constructor() {
    super('CLI_ERR_INTERRUPTED', EXIT_INTERRUPTED, 'interrupted')
  }
}
