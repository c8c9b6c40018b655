import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { TABLE_DEFINITIONS } from '@trainplane/shared'
import { type Deployable, REPOSITORY_ROOT } from '../deployables.js'
import type { TerraformModule } from '../terraform-module.js'
import { codePermissions } from './code-permissions.js'
import { compareRole } from './compare.js'
import { rolePolicies } from './role-policies.js'
import { reachableFiles, sourceFilesUnder } from './source-index.js'

export const SHARED_SOURCE = join(REPOSITORY_ROOT, 'packages', 'shared', 'src')

/** Lists the app files a deployable runs: those its entries reach, or all of src/. */
export function appFilesOf(deployable: Deployable, root = REPOSITORY_ROOT): string[] | undefined {
  const appDir = join(root, deployable.app)
  if (!existsSync(join(appDir, 'src'))) return undefined
  if (!deployable.entries) return sourceFilesUnder(join(appDir, 'src'))

  const entries = deployable.entries.map((entry) => join(appDir, entry))
  return entries.every((entry) => existsSync(entry)) ? reachableFiles(entries) : undefined
}

/** Problems of one deployable's role against its code. */
export async function checkDeployableIam(
  deployable: Deployable,
  module: TerraformModule,
  appFiles: string[],
  sharedSource = SHARED_SOURCE,
): Promise<string[]> {
  const code = codePermissions({
    appFiles,
    ...(deployable.entries && {
      entries: deployable.entries.map((entry) => join(REPOSITORY_ROOT, deployable.app, entry)),
    }),
    sharedFiles: sourceFilesUnder(sharedSource).filter((file) => !file.includes('/testing/')),
    root: REPOSITORY_ROOT,
    tables: TABLE_DEFINITIONS,
  })
  const policies = await rolePolicies(module, deployable.role)
  return compareRole(code, policies, deployable.platform)
}
