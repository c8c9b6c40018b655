import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPOSITORY_ROOT } from './paths.js'

/** An npm workspace of the repository. */
export interface Workspace {
  name: string
  /** Folder relative to the repository root, such as `apps/api`. */
  dir: string
  /** Names of the workspaces it lists under `dependencies`, which it imports at run time. */
  internalDependencies: string[]
}

interface Manifest {
  name?: string
  workspaces?: string[]
  dependencies?: Record<string, string>
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(REPOSITORY_ROOT, dir, 'package.json'), 'utf8')) as Manifest
}

/** Expands the root manifest's workspace patterns: folders, or `parent/*`. */
function workspaceDirs(patterns: readonly string[]): string[] {
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern]
    const parent = pattern.slice(0, -2)
    return readdirSync(join(REPOSITORY_ROOT, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`)
  })
}

/** Reads every workspace the root package.json declares, by name. */
export function readWorkspaces(): Map<string, Workspace> {
  const root = readManifest('.')
  const workspaces = new Map<string, Workspace>()
  const dirs = workspaceDirs(root.workspaces ?? []).filter((dir) =>
    existsSync(join(REPOSITORY_ROOT, dir, 'package.json')),
  )
  for (const dir of dirs) {
    const manifest = readManifest(dir)
    if (!manifest.name) continue
    workspaces.set(manifest.name, { name: manifest.name, dir, internalDependencies: [] })
  }
  for (const workspace of workspaces.values()) {
    const dependencies = Object.keys(readManifest(workspace.dir).dependencies ?? {})
    workspace.internalDependencies = dependencies.filter((name) => workspaces.has(name))
  }
  return workspaces
}

/**
 * Lists the given workspaces and every workspace they import at run time, each after the
 * workspaces it depends on, which is the order they build in.
 *
 * @throws Error naming an unknown workspace
 */
export function runtimeClosure(
  workspaces: ReadonlyMap<string, Workspace>,
  names: readonly string[],
): Workspace[] {
  const ordered: Workspace[] = []
  const visit = (name: string) => {
    const workspace = workspaces.get(name)
    if (!workspace) throw new Error(`no workspace is named ${name}`)
    if (ordered.includes(workspace)) return
    for (const dependency of workspace.internalDependencies) visit(dependency)
    ordered.push(workspace)
  }
  for (const name of names) visit(name)
  return ordered
}
