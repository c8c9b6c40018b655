import { getReferencesInExpression } from '@cdktf/hcl2json'
import {
  type Block,
  type Body,
  blockBodies,
  type Problem,
  type TerraformModule,
} from '../terraform-module.js'

/** One Allow statement of a role's policies, with its resources named by kind. */
export interface GrantedStatement {
  document: string
  sid: string
  actions: string[]
  /** Resource kinds, such as `dynamodb:table/runs`, `batch:job` or `*`. */
  resources: string[]
  /** Whether a comment sits in the statement's block, as a `*` resource needs. */
  commented: boolean
}

/**
 * How the IAM check names the resource expressions of the policies, by the reference they
 * contain. Extend it with the variable or resource a new statement uses.
 */
const RESOURCE_KINDS: {
  reference: RegExp
  kind: (match: RegExpExecArray, text: string) => string
}[] = [
  {
    reference: /^var\.table_arns\."([a-z]+)"$/,
    kind: (match, text) => `dynamodb:table/${match[1]}${text.includes('/index/') ? '/index' : ''}`,
  },
  { reference: /^(var\.sns_topic_arn|aws_sns_topic\.this\.arn)$/, kind: () => 'sns:topic' },
  { reference: /^var\.batch_job_queue_arns$/, kind: () => 'batch:job-queue' },
  { reference: /^var\.batch_job_definition_arns$/, kind: () => 'batch:job-definition' },
  { reference: /^var\.batch_job_arn_pattern$/, kind: () => 'batch:job' },
  { reference: /^var\.batch_log_group_arn$/, kind: () => 'logs:batch-jobs' },
  { reference: /^aws_cloudwatch_log_group\.this\./, kind: () => 'logs:own-log-group' },
  { reference: /^aws_sqs_queue\.dead_letter\.arn$/, kind: () => 'sqs:dead-letter' },
]

async function resourceKinds(text: string, file: string): Promise<string[]> {
  if (text === '*') return ['*']

  const kinds: string[] = []
  for (const reference of await getReferencesInExpression(file, text)) {
    const rule = RESOURCE_KINDS.map((candidate) => ({
      candidate,
      match: candidate.reference.exec(reference.value),
    })).find(({ match }) => match !== null)
    kinds.push(rule?.match ? rule.candidate.kind(rule.match, text) : `?:${reference.value}`)
  }
  return kinds.length > 0 ? kinds : [`?:${text}`]
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : []
}

/** Finds the text of a statement block by its sid inside its policy document. */
function statementText(fileText: string, document: string, sid: string): string {
  const start = fileText.indexOf(`data "aws_iam_policy_document" "${document}"`)
  if (start < 0) return ''
  const sidAt = fileText.slice(start).search(new RegExp(`sid\\s*=\\s*"${sid}"`))
  if (sidAt < 0) return ''

  const sidIndex = start + sidAt
  const blockStart = fileText.lastIndexOf('statement {', sidIndex)
  let depth = 0
  for (let i = blockStart; i < fileText.length; i++) {
    if (fileText[i] === '{') depth++
    if (fileText[i] === '}' && --depth === 0) return fileText.slice(blockStart, i + 1)
  }
  return fileText.slice(blockStart)
}

function referencesTo(value: unknown, pattern: RegExp): string | undefined {
  return strings(value)
    .map((text) => pattern.exec(text)?.[1])
    .find((name) => name !== undefined)
}

export interface RolePolicies {
  statements: GrantedStatement[]
  problems: Problem[]
}

/**
 * Reads the policies a module attaches to one role: every `aws_iam_role_policy` whose `role`
 * names it, through the `aws_iam_policy_document` it reads. Managed policy attachments and
 * policies that are not documents are problems, since the check cannot read them.
 */
export async function rolePolicies(module: TerraformModule, role: string): Promise<RolePolicies> {
  const problems: Problem[] = []
  const statements: GrantedStatement[] = []
  const roleName = role.replace(/^aws_iam_role\./, '')
  const rolePattern = new RegExp(`^\\$\\{aws_iam_role\\.${roleName}\\.(id|name)\\}$`)

  if (!module.resources.has(role)) {
    problems.push({ file: module.dir, address: role, message: 'role is not declared' })
    return { statements, problems }
  }

  for (const [address, block] of module.resources) {
    const attached = strings(block.body.role).some((text) => rolePattern.test(text))
    if (!attached) continue

    if (address.startsWith('aws_iam_role_policy_attachment.')) {
      problems.push({
        file: block.file,
        address,
        message: `attaches a managed policy to ${role}, which the IAM check cannot compare with the code`,
      })
      continue
    }
    if (!address.startsWith('aws_iam_role_policy.')) continue

    const document = referencesTo(
      block.body.policy,
      /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/,
    )
    const documentBlock: Block | undefined = document
      ? module.data.get(`aws_iam_policy_document.${document}`)
      : undefined
    if (!document || !documentBlock) {
      problems.push({ file: block.file, address, message: 'policy is not a policy document' })
      continue
    }

    const fileText = module.files.find((file) => file.path.endsWith(documentBlock.file))?.text ?? ''
    for (const statement of blockBodies(documentBlock.body.statement) as Body[]) {
      if (statement.effect === 'Deny') continue
      const sid = String(statement.sid ?? '')
      const resources: string[] = []
      for (const text of strings(statement.resources)) {
        resources.push(...(await resourceKinds(text, documentBlock.file)))
      }
      statements.push({
        document,
        sid,
        actions: strings(statement.actions),
        resources,
        commented: /(^|\n)\s*(#|\/\/)/.test(statementText(fileText, document, sid)),
      })
    }
  }
  return { statements, problems }
}
