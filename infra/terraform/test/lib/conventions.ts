import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  type Body,
  blockBodies,
  displayPath,
  type Problem,
  type TerraformModule,
} from './terraform-module.js'

/** The files every module has in the terraform-aws-modules layout. */
export const STANDARD_FILES = ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf']

export function checkStandardFiles(module: TerraformModule): Problem[] {
  return STANDARD_FILES.filter((name) => !existsSync(join(module.dir, name))).map((name) => ({
    file: displayPath(join(module.dir, name)),
    address: '(module)',
    message: `${name} is missing; every module has ${STANDARD_FILES.join(', ')}`,
  }))
}

/** Checks that every variable states what it sets (`description`) and accepts (`type`). */
export function checkVariables(module: TerraformModule): Problem[] {
  const problems: Problem[] = []
  for (const [name, block] of module.variables) {
    const { description, type } = block.body
    if (typeof description !== 'string' || description.trim() === '') {
      problems.push({ file: block.file, address: `var.${name}`, message: 'has no description' })
    }
    if (type === undefined) {
      problems.push({ file: block.file, address: `var.${name}`, message: 'has no type' })
    }
  }
  return problems
}

/** Attributes that hold an IAM policy JSON document. */
const POLICY_ATTRIBUTES = new Set(['policy', 'assume_role_policy'])

const POLICY_DOCUMENT_REFERENCE =
  /^\$\{data\.aws_iam_policy_document\.[A-Za-z0-9_-]+(\[[^\]]+\])?\.json\}$/

/**
 * IAM policies are written as `aws_iam_policy_document` data sources with a `sid` on every
 * statement, and every policy attribute reads one of them, never inline JSON.
 */
export function checkPolicyDocuments(module: TerraformModule): Problem[] {
  const problems: Problem[] = []

  for (const [key, block] of module.data) {
    if (!key.startsWith('aws_iam_policy_document.')) continue
    const sids = new Set<string>()
    for (const statement of blockBodies(block.body.statement)) {
      const sid = statement.sid
      if (typeof sid !== 'string' || !/^[A-Za-z0-9]+$/.test(sid)) {
        problems.push({
          file: block.file,
          address: `data.${key}`,
          message: 'a statement has no alphanumeric sid',
        })
        continue
      }
      if (sids.has(sid)) {
        problems.push({ file: block.file, address: `data.${key}`, message: `sid ${sid} repeats` })
      }
      sids.add(sid)
    }
    if (block.body.dynamic !== undefined) {
      problems.push({
        file: block.file,
        address: `data.${key}`,
        message: 'uses a dynamic block; write statements out so the IAM check can read them',
      })
    }
  }

  for (const [key, block] of module.resources) {
    for (const [attribute, value] of Object.entries(block.body)) {
      if (!POLICY_ATTRIBUTES.has(attribute)) continue
      if (typeof value !== 'string' || !POLICY_DOCUMENT_REFERENCE.test(value)) {
        problems.push({
          file: block.file,
          address: key,
          message: `${attribute} must be data.aws_iam_policy_document.<name>.json`,
        })
      }
    }
  }
  return problems
}

const HARD_CODED = [
  { pattern: /(^|[^0-9])[0-9]{12}([^0-9]|$)/, what: 'an account id' },
  {
    pattern:
      /\b(us|eu|ap|sa|ca|me|af|il|mx|cn)-(gov-)?(north|south|east|west|central|northeast|southeast|northwest|southwest)-[0-9]\b/,
    what: 'a region',
  },
  { pattern: /arn:aws[a-z-]*:/, what: 'an ARN; build it from data.aws_partition instead' },
]

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    out.push(value)
  } else if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, out)
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value as Body)) collectStrings(item, out)
  }
}

/** No account id, region name or literal ARN appears in a module's values. */
export function checkNoHardCodedIdentifiers(module: TerraformModule): Problem[] {
  const problems: Problem[] = []
  for (const file of module.files) {
    const strings: string[] = []
    collectStrings(file.json, strings)
    for (const value of strings) {
      for (const { pattern, what } of HARD_CODED) {
        if (pattern.test(value)) {
          problems.push({
            file: displayPath(file.path),
            address: '(value)',
            message: `${JSON.stringify(value.slice(0, 80))} contains ${what}`,
          })
        }
      }
    }
  }
  return problems
}

/** Formats problems one a line, for assertion messages. */
export function describeProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.file} ${p.address}: ${p.message}`).join('\n')
}
