import { readFileSync } from 'node:fs'

/** One instruction of a Dockerfile, its continuation lines joined. */
export interface Instruction {
  /** Upper case, such as `COPY`. */
  keyword: string
  /** The text after the keyword, continuation lines joined with a space. */
  arguments: string
  /** 1-based line of the keyword. */
  line: number
}

/** One build stage: a FROM and the instructions up to the next FROM. */
export interface Stage {
  /** Position among the stages, from 0, which `COPY --from=<index>` may use. */
  index: number
  /** The name after `AS`, in lower case as BuildKit compares it. */
  name: string | undefined
  /** The FROM image with the global ARG defaults substituted. */
  base: string
  /** The earlier stage this one starts from, when `base` names one. */
  parent: Stage | undefined
  /** The instructions after FROM. */
  instructions: Instruction[]
  line: number
}

export interface Dockerfile {
  /** Defaults of the ARG instructions before the first FROM, which FROM lines may use. */
  globalArgs: Map<string, string | undefined>
  stages: Stage[]
}

/**
 * Splits a Dockerfile into instructions. Comment lines are dropped, also inside a continuation,
 * as Docker drops them. Only the default escape character (backslash) is supported.
 */
export function readInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = []
  let pending: { line: number; parts: string[] } | undefined

  const lines = text.split(/\r?\n/)
  for (const [index, raw] of lines.entries()) {
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#')) {
      continue
    }

    pending ??= { line: index + 1, parts: [] }
    if (trimmed.endsWith('\\')) {
      pending.parts.push(trimmed.slice(0, -1).trim())
      continue
    }
    pending.parts.push(trimmed)
    instructions.push(toInstruction(pending.line, pending.parts))
    pending = undefined
  }

  if (pending) {
    instructions.push(toInstruction(pending.line, pending.parts))
  }
  return instructions
}

function toInstruction(line: number, parts: string[]): Instruction {
  const text = parts.filter((part) => part !== '').join(' ')
  const match = /^(\S+)\s*(.*)$/.exec(text)
  return { keyword: (match?.[1] ?? '').toUpperCase(), arguments: match?.[2] ?? '', line }
}

/**
 * Replaces `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+value}` with values from `args`.
 * A variable without a value becomes the empty string, as in BuildKit.
 */
export function substitute(text: string, args: ReadonlyMap<string, string | undefined>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_match, braced: string | undefined, operator, operand: string, bare: string | undefined) => {
      const value = args.get((braced ?? bare) as string)
      if (operator === '-') return value ? value : operand
      if (operator === '+') return value ? operand : ''
      return value ?? ''
    },
  )
}

/** Parses `NAME` or `NAME=value` of an ARG instruction; quotes around the value are removed. */
function parseArg(text: string): [string, string | undefined] {
  const [name = '', ...rest] = text.trim().split('=')
  if (rest.length === 0) return [name, undefined]
  return [name, rest.join('=').replace(/^"(.*)"$/, '$1')]
}

/** Parses a Dockerfile into its global ARG defaults and its stages. */
export function parseDockerfile(text: string): Dockerfile {
  const globalArgs = new Map<string, string | undefined>()
  const stages: Stage[] = []

  for (const instruction of readInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      stages.push(newStage(instruction, stages, globalArgs))
      continue
    }
    const stage = stages.at(-1)
    if (stage) {
      stage.instructions.push(instruction)
    } else if (instruction.keyword === 'ARG') {
      const [name, value] = parseArg(instruction.arguments)
      globalArgs.set(name, value)
    }
  }
  return { globalArgs, stages }
}

function newStage(
  instruction: Instruction,
  earlier: Stage[],
  globalArgs: ReadonlyMap<string, string | undefined>,
): Stage {
  const { rest } = parseFlags(instruction.arguments)
  const [image = '', as, name] = rest.split(/\s+/)
  const base = substitute(image, globalArgs)
  return {
    index: earlier.length,
    name: as?.toUpperCase() === 'AS' && name ? name.toLowerCase() : undefined,
    base,
    parent: findStage(earlier, base),
    instructions: [],
    line: instruction.line,
  }
}

/** Finds a stage by the name or index that `FROM` or `COPY --from` gives. */
export function findStage(stages: readonly Stage[], reference: string): Stage | undefined {
  const lower = reference.toLowerCase()
  return stages.find((stage) => stage.name === lower || String(stage.index) === reference)
}

/** Reads and parses a Dockerfile. */
export function readDockerfile(path: string): Dockerfile {
  return parseDockerfile(readFileSync(path, 'utf8'))
}

/** Splits leading `--name=value` flags off an instruction's arguments. */
export function parseFlags(text: string): { flags: Map<string, string>; rest: string } {
  const flags = new Map<string, string>()
  let rest = text.trim()
  for (;;) {
    const match = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)
    if (!match) break
    flags.set(match[1] as string, match[2] ?? 'true')
    rest = rest.slice(match[0].length)
  }
  return { flags, rest }
}

/** Returns the arguments as a list when they are in exec (JSON) form, else undefined. */
export function execForm(text: string): string[] | undefined {
  if (!text.trim().startsWith('[')) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) && value.every((item) => typeof item === 'string')
      ? value
      : undefined
  } catch {
    return undefined
  }
}

/** Lists the stages a stage is built on, from the first to the stage itself. */
export function lineage(stage: Stage): Stage[] {
  const chain: Stage[] = []
  for (let current: Stage | undefined = stage; current; current = current.parent) {
    chain.unshift(current)
  }
  return chain
}

/** Lists the instructions that apply to a stage: its own and those of the stages it is built on. */
export function effectiveInstructions(stage: Stage): Instruction[] {
  return lineage(stage).flatMap((current) => current.instructions)
}

/** Reads the sources and destination of a COPY or ADD, in shell or exec form. */
export function copyPaths(instruction: Instruction): {
  from: string | undefined
  sources: string[]
  destination: string
} {
  const { flags, rest } = parseFlags(instruction.arguments)
  const paths = execForm(rest) ?? rest.split(/\s+/).filter((path) => path !== '')
  return {
    from: flags.get('from'),
    sources: paths.slice(0, -1),
    destination: paths.at(-1) ?? '',
  }
}

/** Reads the key and value pairs of a LABEL instruction. */
export function labels(instruction: Instruction): Map<string, string> {
  const pairs = new Map<string, string>()
  for (const match of instruction.arguments.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
    pairs.set(match[1] as string, (match[2] as string).replace(/^"(.*)"$/, '$1'))
  }
  return pairs
}

/** Names a stage in messages, such as `stage "runtime" (line 40)`. */
export function describeStage(stage: Stage): string {
  return `stage ${stage.name ? `"${stage.name}"` : stage.index} (line ${stage.line})`
}
