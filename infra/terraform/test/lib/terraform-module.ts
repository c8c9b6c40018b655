import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
import { parse } from '@cdktf/hcl2json'

/** Root of the Terraform workspace (infra/terraform). */
export const TERRAFORM_ROOT = resolve(import.meta.dirname, '../..')

/** Body of one block as HashiCorp's HCL parser renders it to JSON. */
export type Body = Record<string, unknown>

/** A labelled block (variable, resource, data source, module, output) and where it is. */
export interface Block {
  file: string
  body: Body
}

/** One problem a check found, with the file and the Terraform address it concerns. */
export interface Problem {
  file: string
  address: string
  message: string
}

export interface ParsedFile {
  path: string
  text: string
  json: Body
}

/** A Terraform module's configuration, merged over its files as Terraform merges them. */
export interface TerraformModule {
  dir: string
  files: ParsedFile[]
  variables: Map<string, Block>
  locals: Map<string, { file: string; value: unknown }>
  outputs: Map<string, Block>
  /** Keyed by `<type>.<name>`. */
  resources: Map<string, Block>
  /** Keyed by `<type>.<name>`, without the `data.` prefix. */
  data: Map<string, Block>
  modules: Map<string, Block>
  /** Files that do not parse, and blocks declared twice. */
  problems: Problem[]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Blocks come as arrays of bodies in the parser's JSON, and as one object in hand-written JSON. */
export function blockBodies(value: unknown): Body[] {
  if (Array.isArray(value)) return value.filter(isRecord)
  return isRecord(value) ? [value] : []
}

/** Path of a file relative to the Terraform workspace, for messages. */
export function displayPath(path: string): string {
  return relative(TERRAFORM_ROOT, path) || basename(path)
}

function addBlock(
  map: Map<string, Block>,
  key: string,
  block: Block,
  kind: string,
  problems: Problem[],
): void {
  const existing = map.get(key)
  if (existing) {
    problems.push({
      file: block.file,
      address: `${kind}.${key}`,
      message: `declared twice (also in ${existing.file}); Terraform rejects duplicate blocks`,
    })
    return
  }
  map.set(key, block)
}

/** Adds `<type>.<name>` blocks (resources and data sources) of one file to a map. */
function addTypedBlocks(
  map: Map<string, Block>,
  section: unknown,
  file: string,
  kind: string,
  problems: Problem[],
): void {
  if (!isRecord(section)) return
  for (const [type, byName] of Object.entries(section)) {
    if (!isRecord(byName)) continue
    for (const [name, bodies] of Object.entries(byName)) {
      for (const body of blockBodies(bodies)) {
        addBlock(map, `${type}.${name}`, { file, body }, kind, problems)
      }
    }
  }
}

function addNamedBlocks(
  map: Map<string, Block>,
  section: unknown,
  file: string,
  kind: string,
  problems: Problem[],
): void {
  if (!isRecord(section)) return
  for (const [name, bodies] of Object.entries(section)) {
    for (const body of blockBodies(bodies)) {
      addBlock(map, name, { file, body }, kind, problems)
    }
  }
}

/** Terraform reads `*.tf` and `*.tf.json` files of one folder, not its subfolders. */
export function terraformFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.tf') || name.endsWith('.tf.json'))
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .sort()
}

async function parseFile(path: string): Promise<Body> {
  const text = readFileSync(path, 'utf8')
  if (path.endsWith('.tf.json')) {
    return JSON.parse(text) as Body
  }
  return parse(basename(path), text)
}

/**
 * Parses every Terraform file of a folder with HashiCorp's HCL parser and merges the blocks.
 * A file that does not parse becomes a problem and adds no blocks.
 */
export async function loadModule(dir: string): Promise<TerraformModule> {
  const module: TerraformModule = {
    dir,
    files: [],
    variables: new Map(),
    locals: new Map(),
    outputs: new Map(),
    resources: new Map(),
    data: new Map(),
    modules: new Map(),
    problems: [],
  }

  for (const path of terraformFiles(dir)) {
    const file = displayPath(path)
    let json: Body
    try {
      json = await parseFile(path)
    } catch (err) {
      module.problems.push({
        file,
        address: '(file)',
        message: `does not parse: ${(err as Error).message}`,
      })
      continue
    }
    module.files.push({ path, text: readFileSync(path, 'utf8'), json })

    addNamedBlocks(module.variables, json.variable, file, 'var', module.problems)
    addNamedBlocks(module.outputs, json.output, file, 'output', module.problems)
    addNamedBlocks(module.modules, json.module, file, 'module', module.problems)
    addTypedBlocks(module.resources, json.resource, file, 'resource', module.problems)
    addTypedBlocks(module.data, json.data, file, 'data', module.problems)

    for (const locals of blockBodies(json.locals)) {
      for (const [name, value] of Object.entries(locals)) {
        if (module.locals.has(name)) {
          module.problems.push({
            file,
            address: `local.${name}`,
            message: 'declared twice; Terraform rejects duplicate locals',
          })
          continue
        }
        module.locals.set(name, { file, value })
      }
    }
  }

  return module
}

/** Folder of a child module whose `source` is a local path, or undefined for a registry source. */
export function localModuleDir(parentDir: string, block: Block): string | undefined {
  const source = block.body.source
  if (typeof source !== 'string' || !(source.startsWith('./') || source.startsWith('../'))) {
    return undefined
  }
  return resolve(parentDir, source)
}

/** Parses the root module and every module under `modules/`, each once. */
export async function loadWorkspace(root: string): Promise<Map<string, TerraformModule>> {
  const dirs = [root]
  const modulesDir = join(root, 'modules')
  if (existsSync(modulesDir)) {
    for (const name of readdirSync(modulesDir).sort()) {
      const dir = join(modulesDir, name)
      if (statSync(dir).isDirectory()) dirs.push(dir)
    }
  }

  const modules = new Map<string, TerraformModule>()
  for (const dir of dirs) {
    modules.set(dir, await loadModule(dir))
  }
  return modules
}
