import { DEFAULT_PROFILE, readProfileFile, resolveConfigDir, writeProfile } from '@trainplane/cli'
import type { LocalStack } from './stack.js'
import { LOCAL_REGION } from './stack.js'

export const LOCAL_PROFILE = 'local'

/**
 * Writes the CLI profile of the local stack under the name `local`, and also as the default
 * profile unless a default profile already points at another API, so `trainplane` works with
 * no flags on a machine that has only the local stack.
 *
 * @returns the profile names written and the file
 */
export function writeLocalProfile(
  stack: LocalStack,
  env: NodeJS.ProcessEnv,
): { names: string[]; path: string } {
  const configDir = resolveConfigDir(env)
  const profile = {
    apiUrl: stack.apiUrl,
    region: LOCAL_REGION,
    userPoolId: stack.userPoolId,
    clientId: stack.clientId,
    cognitoEndpoint: stack.cognitoEndpoint,
  }

  const existing = readProfileFile(configDir).profiles[DEFAULT_PROFILE]
  const names = [LOCAL_PROFILE]
  if (!existing || existing.apiUrl === stack.apiUrl) names.push(DEFAULT_PROFILE)

  let path = ''
  for (const name of names) path = writeProfile(configDir, name, profile)
  return { names, path }
}
