import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { CredentialStore } from '../auth/credentials.js'
import { resolveConfigDir } from '../config/config-dir.js'
import { PROFILE_FILE, type Profile, readProfileFile, writeProfile } from '../config/profile.js'
import { SETTING_NAMES, type SettingName } from '../config/settings.js'
import { ConfigFileError, UsageError } from '../errors.js'
import type { Invocation } from '../invocation.js'
import { renderDetails, renderTable } from '../output/table.js'
import { formatTime } from '../output/text.js'

export function registerProfile(program: Command, invocation: Invocation): void {
  const profile = program
    .command('profile')
    .description('Show, list and import the profiles in the config directory')

  profile
    .command('show')
    .description('Show the settings this invocation uses, where each comes from, and the sign-in')
    .option('--json', 'print the settings as JSON')
    .action((options: { json?: boolean }) => {
      const { settings } = invocation
      const tokens = invocation.credentials.get(settings.profileName)
      const signedIn = tokens && { username: tokens.username, expiresAt: tokens.expiresAt }

      if (options.json) {
        invocation.printJson({
          configDir: settings.configDir,
          profile: settings.profileName,
          settings: settings.values,
          sources: settings.sources,
          signedIn: signedIn ?? null,
        })
        return
      }

      const rows = (Object.keys(SETTING_NAMES) as SettingName[]).map((name): [string, string] => {
        const value = settings.values[name]
        return [name, value === undefined ? '(not set)' : `${value}  (${settings.sources[name]})`]
      })
      invocation.print(
        renderDetails([
          ['Config directory', settings.configDir],
          ['Profile', settings.profileName],
          ...rows,
          [
            'Signed in',
            signedIn
              ? `${signedIn.username}, access token valid until ${formatTime(signedIn.expiresAt)}`
              : 'no',
          ],
        ]),
      )
    })

  profile
    .command('list')
    .description(`List the profiles in ${PROFILE_FILE}`)
    .option('--json', 'print the profile file as JSON')
    .action((options: { json?: boolean }) => {
      // Not invocation.settings: listing must work when --profile names a missing profile.
      const configDir = resolveConfigDir(invocation.context.env)
      const file = readProfileFile(configDir)
      const credentials = new CredentialStore(configDir, (message) => invocation.warn(message))

      if (options.json) {
        invocation.printJson(file)
        return
      }
      const entries = Object.entries(file.profiles)
      if (entries.length === 0) {
        invocation.print(`No profiles in ${configDir}.\n`)
        return
      }
      invocation.print(
        renderTable(entries, [
          { header: 'name', cell: ([name]) => name },
          { header: 'api url', cell: ([, settings]) => settings.apiUrl },
          { header: 'region', cell: ([, settings]) => settings.region },
          { header: 'user pool', cell: ([, settings]) => settings.userPoolId },
          {
            header: 'signed in',
            cell: ([name]) => credentials.get(name)?.username ?? 'no',
          },
        ]),
      )
    })

  profile
    .command('import')
    .description(
      'Add or replace a profile from JSON, such as the output of: terraform output -json cli_profile',
    )
    .argument('<name>', 'profile name')
    .argument(
      '<file>',
      'JSON file with apiUrl, region, userPoolId, clientId; - reads standard input',
    )
    .action(async (name: string, path: string) => {
      const text = await readProfileJson(path, invocation)
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch (err) {
        throw new UsageError(
          `${path === '-' ? 'standard input' : path} is not valid JSON: ${(err as Error).message}`,
        )
      }

      const configDir = resolveConfigDir(invocation.context.env)
      const written = writeProfile(configDir, name, parsed as Profile)
      invocation.print(`Saved profile ${name} in ${written}.\n`)
    })
}

async function readProfileJson(path: string, invocation: Invocation): Promise<string> {
  if (path === '-') {
    return invocation.context.readStdin()
  }
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    throw new ConfigFileError(path, `cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    })
  }
}
