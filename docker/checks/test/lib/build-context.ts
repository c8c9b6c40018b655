import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { copyPaths, type Dockerfile } from './dockerfile.js'
import { type IgnorePattern, isExcluded } from './dockerignore.js'
import { readWorkspaces } from './workspaces.js'

/** Lists every file under a folder, relative to `root`. */
function filesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`
    return entry.isDirectory() ? filesUnder(root, path) : [path]
  })
}

/** Expands a COPY source with `*` in its last segment to the files it names. */
function expand(root: string, source: string): string[] {
  if (!source.includes('*')) return [source.replace(/\/+$/, '')]

  const dir = dirname(source)
  const pattern = new RegExp(
    `^${source
      .slice(dir.length + 1)
      .replace(/\./g, '\\.')
      .replace(/\*/g, '[^/]*')}$`,
  )
  return existsSync(join(root, dir))
    ? readdirSync(join(root, dir))
        .filter((name) => pattern.test(name))
        .map((name) => `${dir}/${name}`)
    : []
}

/**
 * Lists the files of the build context a Dockerfile needs, starting with the sources of its COPY
 * instructions from the context. A stage that copies the whole context to build workspaces also
 * needs the manifests of every workspace (npm ci reads them all), the lockfile and the shared
 * TypeScript settings, and the manifest, settings and sources of each workspace it builds.
 */
export function contextFilesNeeded(file: Dockerfile, root: string): string[] {
  const needed = new Set<string>()
  const workspaces = [...readWorkspaces().values()]

  for (const stage of file.stages) {
    const copiesContext = stage.instructions.some(
      (instruction) =>
        instruction.keyword === 'COPY' &&
        copyPaths(instruction).from === undefined &&
        copyPaths(instruction).sources.includes('.'),
    )
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'COPY' && copyPaths(instruction).from === undefined) {
        for (const source of copyPaths(instruction).sources.filter((path) => path !== '.')) {
          for (const path of expand(root, source)) needed.add(path)
        }
      }
      if (!copiesContext || instruction.keyword !== 'RUN') continue

      for (const [, name] of instruction.arguments.matchAll(
        /npm\s+run\s+build\s+--workspace[= ](\S+)/g,
      )) {
        const workspace = workspaces.find((candidate) => candidate.name === name)
        if (!workspace) continue
        for (const path of ['package.json', 'tsconfig.build.json'])
          needed.add(`${workspace.dir}/${path}`)
        for (const path of filesUnder(root, `${workspace.dir}/src`)) needed.add(path)
      }
      if (/\bnpm\s+ci\b/.test(instruction.arguments)) {
        for (const path of ['package.json', 'package-lock.json', 'tsconfig.base.json'])
          needed.add(path)
        for (const workspace of workspaces) needed.add(`${workspace.dir}/package.json`)
      }
    }
  }
  return [...needed].sort()
}

/**
 * Reports the needed files that do not exist, or that the .dockerignore keeps out of the context,
 * where a build would fail to find them.
 */
export function checkContextFiles(
  patterns: readonly IgnorePattern[],
  root: string,
  files: readonly string[],
): string[] {
  const problems: string[] = []
  for (const path of files) {
    if (!existsSync(join(root, path))) {
      problems.push(`${path} does not exist`)
    } else if (isExcluded(patterns, path)) {
      problems.push(`${path} is excluded by .dockerignore, but an image needs it`)
    } else if (
      statSync(join(root, path)).isDirectory() &&
      filesUnder(root, path).every((file) => isExcluded(patterns, file))
    ) {
      problems.push(`${path} is a folder whose files .dockerignore all excludes`)
    }
  }
  return problems
}

/** Files that must stay out of every image: installed or built output, local data, secrets. */
export function checkExcluded(
  patterns: readonly IgnorePattern[],
  paths: readonly string[],
): string[] {
  return paths
    .filter((path) => !isExcluded(patterns, path))
    .map((path) => `${path} would enter the build context; add a pattern to .dockerignore`)
}
