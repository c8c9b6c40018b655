import type { Command } from 'commander'
import { revokeRefreshToken } from '../auth/cognito-auth.js'
import { cognitoTargetOf } from '../auth/session.js'
import { CliError } from '../errors.js'
import type { Invocation } from '../invocation.js'

export function registerLogout(program: Command, invocation: Invocation): void {
  program
    .command('logout')
    .description("Delete the profile's stored tokens and revoke its refresh token with Cognito")
    .action(async () => {
      const { settings, credentials } = invocation
      const tokens = credentials.get(settings.profileName)
      const removed = credentials.remove(settings.profileName)

      if (tokens?.refreshToken !== undefined) {
        try {
          await revokeRefreshToken(cognitoTargetOf(settings), tokens.refreshToken)
        } catch (err) {
          if (!(err instanceof CliError)) throw err
          invocation.warn(
            `the local tokens were deleted, but Cognito did not revoke the refresh token: ${err.message}`,
          )
        }
      }

      invocation.print(
        removed
          ? `Signed out of profile ${settings.profileName}.\n`
          : `Profile ${settings.profileName} was not signed in.\n`,
      )
    })
}
