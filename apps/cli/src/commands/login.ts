import type { Command } from 'commander'
import { type ChallengeResponder, signInWithPassword } from '../auth/cognito-auth.js'
import { cognitoTargetOf } from '../auth/session.js'
import { UsageError } from '../errors.js'
import type { Invocation } from '../invocation.js'
import type { Prompter } from '../terminal/prompt.js'

interface LoginOptions {
  username?: string
  passwordStdin?: boolean
  json?: boolean
}

export function registerLogin(program: Command, invocation: Invocation): void {
  program
    .command('login')
    .description(
      'Sign in with Cognito (USER_PASSWORD_AUTH) and store the tokens for the profile, mode 0600',
    )
    .option('--username <email>', 'user name or email; prompted for on a terminal when absent')
    .option('--password-stdin', 'read the password from standard input, for scripts')
    .option('--json', 'print the profile, user name and token expiry as JSON')
    .addHelpText(
      'after',
      `
Examples:
  trainplane login
  printf '%s\\n' "$PASSWORD" | trainplane login --username ada@example.com --password-stdin`,
    )
    .action(async (options: LoginOptions) => {
      const { context, settings } = invocation
      const target = cognitoTargetOf(settings)
      const prompter = context.prompter

      if (options.passwordStdin && options.username === undefined) {
        throw new UsageError(
          '--password-stdin needs --username, because standard input carries the password',
        )
      }
      if (!options.passwordStdin && prompter === undefined) {
        throw new UsageError(
          'standard input is not a terminal, so the password cannot be prompted for; pass --username and --password-stdin',
        )
      }

      const username = options.username ?? (await askRequired(prompter, 'Email: ', 'email'))
      const password = options.passwordStdin
        ? passwordFromStdin(await context.readStdin())
        : await askRequired(prompter, 'Password: ', 'password', true)

      const tokens = await signInWithPassword(
        target,
        username,
        password,
        prompter && terminalResponder(prompter),
        context.now,
      )

      invocation.credentials.put(settings.profileName, {
        username,
        clientId: target.clientId,
        ...(settings.values.userPoolId !== undefined && { userPoolId: settings.values.userPoolId }),
        accessToken: tokens.accessToken,
        ...(tokens.idToken !== undefined && { idToken: tokens.idToken }),
        ...(tokens.refreshToken !== undefined && { refreshToken: tokens.refreshToken }),
        expiresAt: tokens.expiresAt.toISOString(),
      })

      if (options.json) {
        invocation.printJson({
          profile: settings.profileName,
          username,
          expiresAt: tokens.expiresAt.toISOString(),
        })
        return
      }
      invocation.print(`Signed in as ${username} with profile ${settings.profileName}.\n`)
    })
}

/** Takes the first line of standard input, as `printf '%s\n' "$PASSWORD"` sends it. */
function passwordFromStdin(input: string): string {
  const password = input.split(/\r?\n/)[0] ?? ''
  if (password === '') {
    throw new UsageError(
      '--password-stdin read an empty password; send the password on standard input',
    )
  }
  return password
}

async function askRequired(
  prompter: Prompter | undefined,
  question: string,
  label: string,
  hidden = false,
): Promise<string> {
  if (prompter === undefined) {
    throw new UsageError(`no terminal to ask for the ${label}; pass it as an option`)
  }
  const answer = hidden ? await prompter.askHidden(question) : (await prompter.ask(question)).trim()
  if (answer === '') {
    throw new UsageError(`the ${label} is empty`)
  }
  return answer
}

function terminalResponder(prompter: Prompter): ChallengeResponder {
  return {
    async newPassword() {
      const first = await askRequired(
        prompter,
        'New password (the account must set one): ',
        'new password',
        true,
      )
      const second = await askRequired(prompter, 'Repeat the new password: ', 'new password', true)
      if (first !== second) {
        throw new UsageError('the two new passwords differ; run trainplane login again')
      }
      return first
    },
    mfaCode(challenge) {
      const source =
        challenge === 'SMS_MFA' ? 'the code sent by SMS' : 'the code from your authenticator app'
      return askRequired(prompter, `MFA code (${source}): `, 'MFA code')
    },
  }
}
