import type {
  AuthenticationResultType,
  ChallengeNameType,
  CognitoIdentityProviderClient,
  InitiateAuthCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider'
import { ChallengeUnsupportedError, CognitoRequestError, NetworkError } from '../errors.js'
import { readJwtExpiry } from './jwt.js'

/** The app client to sign in with, and where its Cognito API is. */
export interface CognitoTarget {
  region: string
  clientId: string
  /** Endpoint override, for cognito-local; the Region's endpoint when absent. */
  endpoint?: string
}

export interface SignInTokens {
  accessToken: string
  idToken?: string
  /** REFRESH_TOKEN_AUTH returns no new refresh token unless the pool rotates them. */
  refreshToken?: string
  expiresAt: Date
}

/** Prompts for the sign-in steps Cognito may request after the password. */
export interface ChallengeResponder {
  newPassword(): Promise<string>
  mfaCode(challenge: 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA'): Promise<string>
}

/** A new password may be followed by an MFA code; more steps than this means a loop. */
const MAX_CHALLENGES = 4

/** Hints for the sign-in errors a user can fix, by Cognito exception name. */
const ERROR_HINTS: Readonly<Record<string, string>> = {
  NotAuthorizedException: 'check the username and password',
  InvalidPasswordException: 'check the username and password',
  UserNotFoundException: 'check the username',
  UserNotConfirmedException: 'confirm the account with the code Cognito sent, then sign in again',
  PasswordResetRequiredException: 'reset the password, then sign in again',
  CodeMismatchException: 'the code is wrong or was used already; sign in again',
  ExpiredCodeException: 'the code expired; sign in again',
  ResourceNotFoundException: 'check the app client id and the Region of the profile',
}

/**
 * Signs in with USER_PASSWORD_AUTH (InitiateAuth), and responds to a new-password or MFA
 * challenge through `responder`. The app client must allow ALLOW_USER_PASSWORD_AUTH and have no
 * client secret.
 *
 * @param responder - prompts the user; without one, a challenge fails with a message to sign in
 * on a terminal
 * @throws CognitoRequestError with Cognito's exception name as code
 * @throws ChallengeUnsupportedError for a step the CLI cannot complete
 * @throws NetworkError when Cognito cannot be reached
 */
export async function signInWithPassword(
  target: CognitoTarget,
  username: string,
  password: string,
  responder: ChallengeResponder | undefined,
  now: () => Date,
): Promise<SignInTokens> {
  const sdk = await import('@aws-sdk/client-cognito-identity-provider')
  const client = createClient(sdk, target)

  try {
    let response: InitiateAuthCommandOutput = await send(target, () =>
      client.send(
        new sdk.InitiateAuthCommand({
          ClientId: target.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD: password },
        }),
      ),
    )

    for (let step = 0; response.ChallengeName !== undefined; step++) {
      if (step >= MAX_CHALLENGES) {
        throw new ChallengeUnsupportedError(
          response.ChallengeName,
          `Cognito requested more than ${MAX_CHALLENGES} sign-in steps; complete the sign-in in another Cognito client first`,
        )
      }
      const challengeUsername = response.ChallengeParameters?.USER_ID_FOR_SRP ?? username
      const answers = await answerChallenge(response.ChallengeName, responder)
      response = await send(target, () =>
        client.send(
          new sdk.RespondToAuthChallengeCommand({
            ClientId: target.clientId,
            ChallengeName: response.ChallengeName,
            Session: response.Session,
            ChallengeResponses: { USERNAME: challengeUsername, ...answers },
          }),
        ),
      )
    }

    return toTokens(response.AuthenticationResult, now)
  } finally {
    client.destroy()
  }
}

/**
 * Gets a new access token with REFRESH_TOKEN_AUTH.
 *
 * @throws CognitoRequestError NotAuthorizedException when the refresh token expired or was
 * revoked
 * @throws NetworkError when Cognito cannot be reached
 */
export async function refreshSignIn(
  target: CognitoTarget,
  refreshToken: string,
  now: () => Date,
): Promise<SignInTokens> {
  const sdk = await import('@aws-sdk/client-cognito-identity-provider')
  const client = createClient(sdk, target)

  try {
    const response = await send(target, () =>
      client.send(
        new sdk.InitiateAuthCommand({
          ClientId: target.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
      ),
    )
    return toTokens(response.AuthenticationResult, now)
  } finally {
    client.destroy()
  }
}

/**
 * Revokes a refresh token and the access tokens issued with it (RevokeToken).
 *
 * @throws CognitoRequestError or NetworkError when the revocation failed
 */
export async function revokeRefreshToken(
  target: CognitoTarget,
  refreshToken: string,
): Promise<void> {
  const sdk = await import('@aws-sdk/client-cognito-identity-provider')
  const client = createClient(sdk, target)

  try {
    await send(target, () =>
      client.send(new sdk.RevokeTokenCommand({ ClientId: target.clientId, Token: refreshToken })),
    )
  } finally {
    client.destroy()
  }
}

/** Returns the Cognito API endpoint a target uses, for messages. */
export function cognitoEndpointOf(target: CognitoTarget): string {
  return target.endpoint ?? `https://cognito-idp.${target.region}.amazonaws.com`
}

function createClient(
  sdk: typeof import('@aws-sdk/client-cognito-identity-provider'),
  target: CognitoTarget,
): CognitoIdentityProviderClient {
  // InitiateAuth, RespondToAuthChallenge and RevokeToken are unsigned (the SDK marks them
  // smithy.api#noAuth, @aws-sdk/client-cognito-identity-provider 3.1178), so no AWS
  // credentials are needed.
  return new sdk.CognitoIdentityProviderClient({
    region: target.region,
    ...(target.endpoint !== undefined && { endpoint: target.endpoint }),
    maxAttempts: 3,
  })
}

async function answerChallenge(
  challenge: ChallengeNameType | string,
  responder: ChallengeResponder | undefined,
): Promise<Record<string, string>> {
  if (challenge === 'NEW_PASSWORD_REQUIRED') {
    if (!responder) {
      throw new ChallengeUnsupportedError(
        challenge,
        'the account must set a new password first; run `trainplane login` in a terminal',
      )
    }
    return { NEW_PASSWORD: await responder.newPassword() }
  }

  if (challenge === 'SMS_MFA' || challenge === 'SOFTWARE_TOKEN_MFA') {
    if (!responder) {
      throw new ChallengeUnsupportedError(
        challenge,
        'the account requires an MFA code; run `trainplane login` in a terminal',
      )
    }
    const code = await responder.mfaCode(challenge)
    return challenge === 'SMS_MFA' ? { SMS_MFA_CODE: code } : { SOFTWARE_TOKEN_MFA_CODE: code }
  }

  throw new ChallengeUnsupportedError(
    challenge,
    `Cognito requested the sign-in step ${challenge}, which the CLI does not support; complete it in another Cognito client, then run \`trainplane login\` again`,
  )
}

function toTokens(result: AuthenticationResultType | undefined, now: () => Date): SignInTokens {
  if (!result?.AccessToken) {
    throw new CognitoRequestError(
      'CLI_ERR_BAD_RESPONSE',
      'Cognito returned no access token; sign in again',
    )
  }

  // The token's own `exp` is authoritative; cognito-local 5.3 leaves ExpiresIn out of refreshes.
  const expiresAt =
    readJwtExpiry(result.AccessToken) ?? new Date(now().getTime() + (result.ExpiresIn ?? 0) * 1000)

  return {
    accessToken: result.AccessToken,
    ...(result.IdToken !== undefined && { idToken: result.IdToken }),
    ...(result.RefreshToken !== undefined && { refreshToken: result.RefreshToken }),
    expiresAt,
  }
}

/** Runs one Cognito call and converts its failure into a CLI error. */
async function send<T>(target: CognitoTarget, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw toCliError(target, err)
  }
}

function toCliError(target: CognitoTarget, err: unknown): Error {
  if (err instanceof ChallengeUnsupportedError) {
    return err
  }

  const error = err as Error & { $metadata?: { httpStatusCode?: number } }
  if (error.$metadata?.httpStatusCode === undefined) {
    return new NetworkError(
      cognitoEndpointOf(target),
      `cannot reach Cognito at ${cognitoEndpointOf(target)}: ${error.message}`,
      { cause: err },
    )
  }

  const hint = ERROR_HINTS[error.name]
  const message = error.message.replace(/\.$/, '')
  return new CognitoRequestError(error.name, hint ? `${message}; ${hint}` : message, {
    cause: err,
  })
}
