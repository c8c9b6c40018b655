import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  copyPaths,
  type Dockerfile,
  describeStage,
  effectiveInstructions,
  execForm,
  findStage,
  parseFlags,
  type Stage,
} from './dockerfile.js'
import { runtimeClosure, type Workspace } from './workspaces.js'

/** The repository's folder in the Node.js images. */
export const IMAGE_WORKDIR = '/opt/trainplane'

function runCommands(stage: Stage): string[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === 'RUN')
    .flatMap((instruction) => instruction.arguments.split(/&&|;/).map((command) => command.trim()))
}

/** Finds the stage that installs with `npm ci --omit=dev`. */
function productionStage(file: Dockerfile): Stage | undefined {
  return file.stages.find((stage) =>
    runCommands(stage).some(
      (command) => /\bnpm\s+ci\b/.test(command) && /--omit=dev\b/.test(command),
    ),
  )
}

/**
 * Checks that the stage that installs the production dependencies copies only the root manifest,
 * the lockfile and the manifests of the workspaces the image installs and of those they import
 * at run time, and installs those workspaces alone. npm keeps a workspace that another one lists
 * as a dev dependency when its manifest is present, even with --omit=dev, and installs its
 * dependencies.
 */
export function checkProductionDependencies(
  file: Dockerfile,
  workspaces: ReadonlyMap<string, Workspace>,
  installs: readonly string[],
): string[] {
  const stage = productionStage(file)
  if (!stage) {
    return ['no stage installs the production dependencies with npm ci --omit=dev']
  }

  const where = describeStage(stage)
  const problems: string[] = []
  const copied = stage.instructions
    .filter((instruction) => instruction.keyword === 'COPY')
    .flatMap((instruction) => copyPaths(instruction).sources)
  const expected = [
    'package.json',
    'package-lock.json',
    ...runtimeClosure(workspaces, installs).map((workspace) => `${workspace.dir}/package.json`),
  ]
  for (const path of expected.filter((path) => !copied.includes(path))) {
    problems.push(`${where}: does not copy ${path}, which npm ci needs`)
  }
  for (const path of copied.filter((path) => !expected.includes(path))) {
    problems.push(
      `${where}: copies ${path}, but the image does not install that workspace; npm would then install its dependencies too`,
    )
  }

  const install = runCommands(stage).find((command) => /\bnpm\s+ci\b/.test(command)) ?? ''
  const named = [...install.matchAll(/--workspace[= ](\S+)/g)].map((match) => match[1])
  for (const name of installs.filter((name) => !named.includes(name))) {
    problems.push(`${where}: npm ci does not name --workspace=${name}`)
  }
  if (!/--include-workspace-root=false\b/.test(install)) {
    problems.push(
      `${where}: npm ci also installs the root's dependencies; add --include-workspace-root=false`,
    )
  }
  if (!/--ignore-scripts\b/.test(install)) {
    problems.push(
      `${where}: npm ci runs install scripts; add --ignore-scripts, as the root package.json allows none`,
    )
  }
  return problems
}

/**
 * Checks that the build stage compiles every workspace the image runs and every workspace those
 * import, each after the ones it imports.
 */
export function checkBuildOrder(
  file: Dockerfile,
  workspaces: ReadonlyMap<string, Workspace>,
  runs: readonly string[],
): string[] {
  const built = file.stages.flatMap((stage) =>
    runCommands(stage).flatMap((command) => {
      const match = /\bnpm\s+run\s+build\s+--workspace[= ](\S+)/.exec(command)
      return match ? [match[1] as string] : []
    }),
  )

  const problems: string[] = []
  const needed = runtimeClosure(workspaces, runs)
  for (const workspace of needed) {
    const position = built.indexOf(workspace.name)
    if (position === -1) {
      problems.push(
        `no stage builds ${workspace.name}; add npm run build --workspace=${workspace.name}`,
      )
      continue
    }
    for (const dependency of workspace.internalDependencies) {
      if (built.indexOf(dependency) > position || !built.includes(dependency)) {
        problems.push(`${workspace.name} is built before ${dependency}, which it imports`)
      }
    }
  }
  return problems
}

/**
 * Checks that each image copies the dist folder of every workspace it runs, and of those they
 * import, from the build stage to its place under the working folder, where the installed
 * workspace links point.
 */
export function checkBuiltOutputCopied(
  stages: readonly Stage[],
  workspaces: ReadonlyMap<string, Workspace>,
  runs: readonly string[],
): string[] {
  const problems: string[] = []
  for (const stage of stages) {
    const copies = effectiveInstructions(stage)
      .filter((instruction) => instruction.keyword === 'COPY')
      .map(copyPaths)
      .filter((copy) => copy.from !== undefined)

    for (const workspace of runtimeClosure(workspaces, runs)) {
      const source = `${IMAGE_WORKDIR}/${workspace.dir}/dist`
      const copy = copies.find((candidate) => candidate.sources.includes(source))
      if (!copy) {
        problems.push(
          `${describeStage(stage)}: does not copy ${source}, the built output of ${workspace.name}`,
        )
      } else if (copy.destination !== `${workspace.dir}/dist` && copy.destination !== source) {
        problems.push(
          `${describeStage(stage)}: copies ${source} to ${copy.destination}; keep it at ${workspace.dir}/dist`,
        )
      }
    }
  }
  return problems
}

/** Tells whether a COPY source from the build context brings in a file. */
function copiedFromContext(sources: readonly string[], file: string): boolean {
  return sources.some((source) => {
    const pattern = new RegExp(
      `^${source.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`,
    )
    return pattern.test(file) || file.startsWith(`${source.replace(/\/+$/, '')}/`)
  })
}

/**
 * Checks that the image contains the files it starts with ENTRYPOINT, CMD and HEALTHCHECK. Each
 * is built output of a workspace the image runs, compiled from a source file that exists, or a
 * script of docker/ that the image copies from the build context.
 */
export function checkStartedFiles(
  stages: readonly Stage[],
  workspaces: ReadonlyMap<string, Workspace>,
  runs: readonly string[],
  repositoryRoot: string,
): string[] {
  const problems: string[] = []
  const dirs = runtimeClosure(workspaces, runs).map((workspace) => workspace.dir)
  for (const stage of stages) {
    const where = describeStage(stage)
    const instructions = effectiveInstructions(stage)
    const contextSources = instructions
      .filter((instruction) => instruction.keyword === 'COPY')
      .map(copyPaths)
      .filter((copy) => copy.from === undefined)
      .flatMap((copy) => copy.sources)
    const words = ['ENTRYPOINT', 'CMD', 'HEALTHCHECK'].flatMap((keyword) => {
      const instruction = instructions.filter((candidate) => candidate.keyword === keyword).at(-1)
      const text = instruction ? parseFlags(instruction.arguments).rest.replace(/^CMD\s+/, '') : ''
      return execForm(text) ?? []
    })

    const files = words
      .map((word) => word.replace(`${IMAGE_WORKDIR}/`, ''))
      .filter((word) => /^(apps|packages|docker)\/.+\.m?js$/.test(word))
    if (!files.some((file) => /\/dist\//.test(file) || file.startsWith('docker/compose/'))) {
      problems.push(`${where}: starts no built program and no compose script`)
    }
    for (const file of files) {
      const built = /^([^/]+\/[^/]+)\/dist\/(.+)\.js$/.exec(file)
      if (built) {
        const [, dir = '', name = ''] = built
        if (!dirs.includes(dir)) {
          problems.push(`${where}: starts ${file}, which is not built output the image runs`)
        } else if (!existsSync(join(repositoryRoot, dir, 'src', `${name}.ts`))) {
          problems.push(`${where}: starts ${file}, but ${dir}/src/${name}.ts does not exist`)
        }
      } else if (!existsSync(join(repositoryRoot, file))) {
        problems.push(`${where}: starts ${file}, which does not exist in the repository`)
      } else if (!copiedFromContext(contextSources, file)) {
        problems.push(`${where}: starts ${file}, which no COPY brings into the image`)
      }
    }
  }
  return problems
}

/** Finds a stage by name, for checks of one stage. */
export function stageNamed(file: Dockerfile, name: string): Stage {
  const stage = findStage(file.stages, name)
  if (!stage) throw new Error(`the Dockerfile has no stage named ${name}`)
  return stage
}
