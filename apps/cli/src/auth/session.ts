import { requireSetting, type Settings } from '../config/settings.js'
import { CognitoRequestError, LoginRequiredError } from '../errors.js'
import { type CognitoTarget, refreshSignIn } from './cognito-auth.js'
import type { CredentialStore, StoredTokens } from './credentials.js'

/** An access token this close to its expiry is refreshed before use, so it cannot expire in flight. */
export const REFRESH_MARGIN_MS = 60_000

/** Returns the Cognito app client of the settings. */
export function cognitoTargetOf(settings: Settings): CognitoTarget {
  return {
    region: requireSetting(settings, 'region'),
    clientId: requireSetting(settings, 'clientId'),
    ...(settings.values.cognitoEndpoint !== undefined && {
      endpoint: settings.values.cognitoEndpoint,
    }),
  }
}

/**
 * The signed-in user of one profile: gives the API client a current access token, refreshing
 * it with the refresh token when it is within a minute of expiry, or once when the API rejects
 * it.
 */
export class Session {
  readonly #store: CredentialStore
  readonly #settings: Settings
  readonly #now: () => Date
  #refreshed = false

  constructor(store: CredentialStore, settings: Settings, now: () => Date) {
    this.#store = store
    this.#settings = settings
    this.#now = now
  }

  /**
   * Returns an access token valid for at least a minute.
   *
   * @throws LoginRequiredError when there is no sign-in, or it cannot be refreshed
   */
  async accessToken(): Promise<string> {
    const tokens = this.#storedTokens()
    const remainingMs = Date.parse(tokens.expiresAt) - this.#now().getTime()
    if (remainingMs > REFRESH_MARGIN_MS) {
      return tokens.accessToken
    }
    return this.#refresh(tokens)
  }

  /**
   * Refreshes after the API returned 401 for a token the CLI considered valid, because it was
   * revoked or the clocks differ. Only one refresh per invocation: a second 401 means signing in
   * again.
   *
   * @throws LoginRequiredError when a refresh was already tried, or fails
   */
  async refreshAfterRejection(): Promise<string> {
    if (this.#refreshed) {
      throw new LoginRequiredError('the API rejected the access token even after a refresh')
    }
    return this.#refresh(this.#storedTokens())
  }

  #storedTokens(): StoredTokens {
    const { profileName } = this.#settings
    const tokens = this.#store.get(profileName)
    if (tokens === undefined) {
      throw new LoginRequiredError(`not signed in with profile ${profileName}`)
    }

    const clientId = this.#settings.values.clientId
    if (clientId !== undefined && clientId !== tokens.clientId) {
      throw new LoginRequiredError(
        `the sign-in stored for profile ${profileName} is for app client ${tokens.clientId}, but the settings name app client ${clientId}`,
      )
    }
    return tokens
  }

  async #refresh(tokens: StoredTokens): Promise<string> {
    this.#refreshed = true
    if (tokens.refreshToken === undefined) {
      throw new LoginRequiredError('the access token expired and no refresh token is stored')
    }

    let refreshed: Awaited<ReturnType<typeof refreshSignIn>>
    try {
      refreshed = await refreshSignIn(
        cognitoTargetOf(this.#settings),
        tokens.refreshToken,
        this.#now,
      )
    } catch (err) {
      if (err instanceof CognitoRequestError && err.code === 'NotAuthorizedException') {
        throw new LoginRequiredError('the sign-in expired or was revoked', { cause: err })
      }
      throw err
    }

    this.#store.put(this.#settings.profileName, {
      ...tokens,
      accessToken: refreshed.accessToken,
      ...(refreshed.idToken !== undefined && { idToken: refreshed.idToken }),
      ...(refreshed.refreshToken !== undefined && { refreshToken: refreshed.refreshToken }),
      expiresAt: refreshed.expiresAt.toISOString(),
    })
    return refreshed.accessToken
  }
}
