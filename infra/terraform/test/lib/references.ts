import { getReferencesInExpression } from '@cdktf/hcl2json'
import {
  type Block,
  type Body,
  blockBodies,
  localModuleDir,
  type Problem,
  type TerraformModule,
} from './terraform-module.js'

/** Reference roots Terraform defines itself, which need no declaration. */
const BUILT_IN_ROOTS = new Set(['each', 'count', 'self', 'path', 'terraform'])

/** Arguments of a `module` block that are meta-arguments, not the child's variables. */
const MODULE_META_ARGUMENTS = new Set([
  'source',
  'version',
  'count',
  'for_each',
  'providers',
  'depends_on',
])

/** A string value of the configuration and the block it sits in. */
interface Expression {
  file: string
  address: string
  text: string
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Collects the strings under a value that hold template sequences. Skips `ignore_changes`,
 * which lists attribute names rather than references, and a variable's `type`, which is a
 * type constraint.
 */
function collectExpressions(value: unknown, file: string, address: string, out: Expression[]) {
  if (typeof value === 'string') {
    if (value.includes('${') || value.includes('%{')) out.push({ file, address, text: value })
    return
  }
  if (Array.isArray(value)) {
    for (const item of value) collectExpressions(item, file, address, out)
    return
  }
  if (!isRecord(value)) return

  for (const [key, item] of Object.entries(value)) {
    if (key === 'ignore_changes') continue
    collectExpressions(item, file, address, out)
  }
}

/** Names a `dynamic` block's content may use as its iterator. */
function dynamicIterators(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) dynamicIterators(item, out)
    return
  }
  if (!isRecord(value)) return

  for (const [key, item] of Object.entries(value)) {
    if (key === 'dynamic' && isRecord(item)) {
      for (const [label, bodies] of Object.entries(item)) {
        out.add(label)
        for (const body of blockBodies(bodies)) {
          // The parser renders the bare identifier `iterator = rule` as "${rule}".
          if (typeof body.iterator === 'string')
            out.add(body.iterator.replace(/^\$\{(.*)\}$/, '$1'))
        }
      }
    }
    dynamicIterators(item, out)
  }
}

function moduleExpressions(module: TerraformModule): Expression[] {
  const out: Expression[] = []
  for (const [name, block] of module.variables) {
    const { type: _type, ...rest } = block.body
    collectExpressions(rest, block.file, `var.${name}`, out)
  }
  for (const [name, local] of module.locals) {
    collectExpressions(local.value, local.file, `local.${name}`, out)
  }
  for (const [name, block] of module.outputs) {
    collectExpressions(block.body, block.file, `output.${name}`, out)
  }
  for (const [key, block] of module.resources) {
    collectExpressions(block.body, block.file, key, out)
  }
  for (const [key, block] of module.data) {
    collectExpressions(block.body, block.file, `data.${key}`, out)
  }
  for (const [name, block] of module.modules) {
    collectExpressions(block.body, block.file, `module.${name}`, out)
  }
  for (const file of module.files) {
    for (const key of ['provider', 'terraform']) {
      collectExpressions(file.json[key], file.path, key, out)
    }
  }
  return out
}

/** Segments of a reference such as `aws_dynamodb_table.this."runs".arn`, without index keys. */
function referenceSegments(reference: string): string[] {
  return reference
    .split('.')
    .filter((segment) => !segment.startsWith('"') && !/^\d+$/.test(segment))
}

/**
 * Why a reference does not resolve in its module, or undefined when it does.
 *
 * @param children - parsed child modules by folder, to check `module.<name>.<output>`
 */
function unresolved(
  reference: string,
  module: TerraformModule,
  iterators: Set<string>,
  children: Map<string, TerraformModule>,
): string | undefined {
  const [root = '', first, second] = referenceSegments(reference)

  if (BUILT_IN_ROOTS.has(root) || iterators.has(root)) return undefined

  switch (root) {
    case 'var':
      return module.variables.has(first ?? '') ? undefined : `no variable "${first}" is declared`
    case 'local':
      return module.locals.has(first ?? '') ? undefined : `no local "${first}" is declared`
    case 'data': {
      const key = `${first}.${second}`
      return module.data.has(key) ? undefined : `no data source ${key} is declared`
    }
    case 'module': {
      const block = module.modules.get(first ?? '')
      if (!block) return `no module "${first}" is declared`
      const dir = localModuleDir(module.dir, block)
      const child = dir ? children.get(dir) : undefined
      if (child && second !== undefined && !child.outputs.has(second)) {
        return `module "${first}" has no output "${second}"`
      }
      return undefined
    }
  }

  if (/^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(root)) {
    const key = `${root}.${first}`
    return module.resources.has(key) ? undefined : `no resource ${key} is declared`
  }
  return `"${root}" is not a variable, local, module, resource or data source`
}

/**
 * Checks that every reference in a module resolves to a declaration: variables, locals,
 * modules and their outputs, resources and data sources.
 */
export async function checkReferences(
  module: TerraformModule,
  children: Map<string, TerraformModule>,
): Promise<Problem[]> {
  const iterators = new Set<string>()
  for (const file of module.files) dynamicIterators(file.json, iterators)

  const problems: Problem[] = []
  for (const expression of moduleExpressions(module)) {
    let references: { value: string }[]
    try {
      references = await getReferencesInExpression(expression.file, expression.text)
    } catch (err) {
      problems.push({
        file: expression.file,
        address: expression.address,
        message: `expression does not parse: ${(err as Error).message}`,
      })
      continue
    }

    for (const reference of references) {
      const reason = unresolved(reference.value, module, iterators, children)
      if (reason) {
        problems.push({
          file: expression.file,
          address: expression.address,
          message: `reference ${reference.value} does not resolve: ${reason}`,
        })
      }
    }
  }
  return problems
}

function hasDefault(block: Block): boolean {
  return Object.hasOwn(block.body, 'default')
}

/**
 * Checks each call of a local child module: every argument is a variable the child declares,
 * and every child variable without a default is given.
 */
export function checkModuleCalls(
  module: TerraformModule,
  children: Map<string, TerraformModule>,
): Problem[] {
  const problems: Problem[] = []

  for (const [name, block] of module.modules) {
    const dir = localModuleDir(module.dir, block)
    if (!dir) continue
    const child = children.get(dir)
    if (!child) {
      problems.push({
        file: block.file,
        address: `module.${name}`,
        message: `source ${String(block.body.source)} is not a module folder of this workspace`,
      })
      continue
    }

    const given = Object.keys(block.body as Body).filter((key) => !MODULE_META_ARGUMENTS.has(key))
    for (const argument of given) {
      if (!child.variables.has(argument)) {
        problems.push({
          file: block.file,
          address: `module.${name}`,
          message: `argument "${argument}" is not a variable of ${String(block.body.source)}`,
        })
      }
    }
    for (const [variable, declaration] of child.variables) {
      if (!hasDefault(declaration) && !given.includes(variable)) {
        problems.push({
          file: block.file,
          address: `module.${name}`,
          message: `required variable "${variable}" of ${String(block.body.source)} is not given`,
        })
      }
    }
  }
  return problems
}
