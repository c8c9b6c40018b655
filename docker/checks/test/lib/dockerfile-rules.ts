import {
  copyPaths,
  type Dockerfile,
  describeStage,
  effectiveInstructions,
  execForm,
  findStage,
  type Instruction,
  labels,
  lineage,
  parseFlags,
  type Stage,
} from './dockerfile.js'

/**
 * Lists the stages that become images: the stages named as build targets, and the last stage,
 * which a build without `--target` produces.
 *
 * @throws Error naming a target the Dockerfile does not have
 */
export function imageStages(file: Dockerfile, targets: readonly string[] = []): Stage[] {
  const stages = new Set<Stage>()
  for (const target of targets) {
    const stage = findStage(file.stages, target)
    if (!stage) throw new Error(`the Dockerfile has no stage named ${JSON.stringify(target)}`)
    stages.add(stage)
  }
  const last = file.stages.at(-1)
  if (last) stages.add(last)
  return [...stages]
}

/** Splits an image reference into its name, tag and digest. */
export function parseImageReference(reference: string): {
  name: string
  tag: string | undefined
  digest: string | undefined
} {
  const [withoutDigest = '', digest] = reference.split('@')
  const lastSlash = withoutDigest.lastIndexOf('/')
  const colon = withoutDigest.indexOf(':', lastSlash + 1)
  return colon === -1
    ? { name: withoutDigest, tag: undefined, digest }
    : { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest }
}

/**
 * Every FROM that starts from an image, not an earlier stage, names a tag that begins with a
 * version number (`node:22-bookworm-slim`, `amazon/dynamodb-local:3.3.1`) or a digest, so a
 * build never picks up a new major version by itself.
 */
export function checkBaseImagesPinned(file: Dockerfile): string[] {
  const problems: string[] = []
  for (const stage of file.stages) {
    if (stage.parent || stage.base === 'scratch') continue

    const where = describeStage(stage)
    if (stage.base === '' || stage.base.includes('$')) {
      problems.push(
        `${where}: the base image ${JSON.stringify(stage.base)} does not resolve; give its ARG a default`,
      )
      continue
    }
    const { name, tag, digest } = parseImageReference(stage.base)
    if (digest) continue
    if (tag === undefined) {
      problems.push(
        `${where}: FROM ${stage.base} has no tag; pin the major version, such as ${name}:22`,
      )
    } else if (!/^v?\d+/.test(tag)) {
      problems.push(
        `${where}: FROM ${stage.base} is not pinned; use a tag that starts with the major version instead of ${JSON.stringify(tag)}`,
      )
    }
  }
  return problems
}

function last(instructions: Instruction[], keyword: string): Instruction | undefined {
  return instructions.filter((instruction) => instruction.keyword === keyword).at(-1)
}

/** Checks that each image ends with a USER that is not root, set in this Dockerfile. */
export function checkNonRootUser(stages: readonly Stage[]): string[] {
  const problems: string[] = []
  for (const stage of stages) {
    const user = last(effectiveInstructions(stage), 'USER')
    const where = describeStage(stage)
    if (!user) {
      problems.push(
        `${where}: no USER instruction, so the image runs as its base image's user (root for most); add USER with a non-root uid such as 10001:10001`,
      )
      continue
    }
    const name = user.arguments.split(':')[0]?.trim() ?? ''
    if (name === 'root' || name === '0') {
      problems.push(
        `${where}: the last USER (line ${user.line}) is root; end the stage with a non-root USER`,
      )
    }
  }
  return problems
}

/**
 * Checks that each image has an ENTRYPOINT or CMD, both in exec form, so the program is PID 1 and
 * receives the stop signals instead of a shell that does not forward them.
 */
export function checkExecForm(stages: readonly Stage[]): string[] {
  const problems: string[] = []
  for (const stage of stages) {
    const instructions = effectiveInstructions(stage)
    const where = describeStage(stage)
    const commands = ['ENTRYPOINT', 'CMD']
      .map((keyword) => last(instructions, keyword))
      .filter((instruction) => instruction !== undefined)

    if (commands.length === 0) {
      problems.push(
        `${where}: no ENTRYPOINT or CMD; give the program in exec form, such as CMD ["node", "dist/main.js"]`,
      )
    }
    for (const command of commands) {
      if (!execForm(command.arguments)) {
        problems.push(
          `${where}: ${command.keyword} (line ${command.line}) is in shell form, so a shell receives SIGTERM instead of the program; write it as a JSON array`,
        )
      }
    }
  }
  return problems
}

const INSTALL = /\b(npm\s+(ci|install|i)|pnpm\s+(install|i)|yarn\s+install)\b/
const PRODUCTION_ONLY = /--omit[= ]dev\b|--production\b|--only[= ]prod(uction)?\b|--prod\b/
const PRUNE = /\bnpm\s+prune\b[^&|;]*(--omit[= ]dev\b|--production\b)/

/** Tells whether a stage ends with dev dependencies installed, by itself or by its parent stage. */
function hasDevDependencies(stage: Stage): boolean {
  let installed = stage.parent ? hasDevDependencies(stage.parent) : false
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== 'RUN') continue
    for (const command of instruction.arguments.split(/&&|;|\|\|/)) {
      if (INSTALL.test(command) && !PRODUCTION_ONLY.test(command)) installed = true
      if (PRUNE.test(command)) installed = false
    }
  }
  return installed
}

/** Tells whether a path of a stage with dev dependencies is built output: inside a dist folder. */
function isBuiltOutput(path: string): boolean {
  const segments = path.split('/')
  return segments.includes('dist') && !segments.includes('node_modules')
}

/**
 * No image carries dev dependencies: it does not start from a stage that installed them, and
 * copies only built output (dist folders) from such a stage, taking node_modules from a stage
 * that installed with --omit=dev.
 */
export function checkNoDevDependencies(file: Dockerfile, stages: readonly Stage[]): string[] {
  const problems: string[] = []
  for (const stage of stages) {
    const where = describeStage(stage)
    const withDev = lineage(stage).find(hasDevDependencies)
    if (withDev) {
      problems.push(
        `${where}: ${withDev === stage ? 'installs' : `starts from ${describeStage(withDev)}, which installs`} dev dependencies; install with npm ci --omit=dev`,
      )
    }

    for (const instruction of effectiveInstructions(stage)) {
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue
      const { from, sources } = copyPaths(instruction)
      const source = from === undefined ? undefined : findStage(file.stages, from)
      if (!source || !hasDevDependencies(source)) continue

      for (const path of sources.filter((path) => !isBuiltOutput(path))) {
        problems.push(
          `${where}: line ${instruction.line} copies ${path} from ${describeStage(source)}, which installed dev dependencies; copy only its dist folders, and node_modules from a stage that runs npm ci --omit=dev`,
        )
      }
    }
  }
  return problems
}

/** No image copies the whole build context: images hold built output, not the source tree. */
export function checkNoSourceTree(stages: readonly Stage[]): string[] {
  const problems: string[] = []
  for (const stage of stages) {
    for (const instruction of effectiveInstructions(stage)) {
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue
      const { from, sources } = copyPaths(instruction)
      if (from === undefined && sources.some((path) => path === '.' || path === './')) {
        problems.push(
          `${describeStage(stage)}: line ${instruction.line} copies the whole build context; copy the built output and the files the image runs`,
        )
      }
    }
  }
  return problems
}

/** Checks that each image declares a HEALTHCHECK whose command is in exec form. */
export function checkHealthcheck(stages: readonly Stage[]): string[] {
  const problems: string[] = []
  for (const stage of stages) {
    const where = describeStage(stage)
    const healthcheck = last(effectiveInstructions(stage), 'HEALTHCHECK')
    if (!healthcheck) {
      problems.push(
        `${where}: no HEALTHCHECK; probe the service, such as HEALTHCHECK CMD ["node", "healthcheck.mjs", "/healthz"]`,
      )
      continue
    }
    const { rest } = parseFlags(healthcheck.arguments)
    if (/^NONE$/i.test(rest)) {
      problems.push(
        `${where}: HEALTHCHECK NONE (line ${healthcheck.line}) turns the health check off`,
      )
    } else if (!execForm(rest.replace(/^CMD\s+/i, ''))) {
      problems.push(
        `${where}: the HEALTHCHECK command (line ${healthcheck.line}) is not in exec form; write it as CMD [...]`,
      )
    }
  }
  return problems
}

const REQUIRED_LABELS = ['org.opencontainers.image.title', 'org.opencontainers.image.description']

/** Checks that each image has the OCI title and description labels. */
export function checkOciLabels(stages: readonly Stage[]): string[] {
  const problems: string[] = []
  for (const stage of stages) {
    const present = new Set(
      effectiveInstructions(stage)
        .filter((instruction) => instruction.keyword === 'LABEL')
        .flatMap((instruction) => [...labels(instruction).keys()]),
    )
    const missing = REQUIRED_LABELS.filter((label) => !present.has(label))
    if (missing.length > 0) {
      problems.push(`${describeStage(stage)}: no ${missing.join(' or ')} label`)
    }
  }
  return problems
}

export interface DockerfileRules {
  /** Stages built with --target; the last stage is always checked. */
  targets?: readonly string[]
  /** Names of the image stages that must declare a HEALTHCHECK. */
  healthchecks?: readonly string[]
}

/** Runs every rule above on the images a Dockerfile builds. */
export function checkDockerfile(file: Dockerfile, rules: DockerfileRules = {}): string[] {
  const stages = imageStages(file, rules.targets)
  const probed = stages.filter((stage) => stage.name && rules.healthchecks?.includes(stage.name))
  return [
    ...checkBaseImagesPinned(file),
    ...checkNonRootUser(stages),
    ...checkExecForm(stages),
    ...checkNoDevDependencies(file, stages),
    ...checkNoSourceTree(stages),
    ...checkOciLabels(stages),
    ...checkHealthcheck(probed),
  ]
}
