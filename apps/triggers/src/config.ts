import { ConfigurationError } from '@trainplane/shared'

/** Environment variables, in the shape of `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>

/** Settings both handlers need: where the tables are and how to log. */
export interface StorageConfig {
  region: string
  /** Endpoint override, such as DynamoDB Local's address; unset on AWS. */
  dynamoDbEndpoint?: string
  tablePrefix: string
  logLevel: string
}

/** Settings of batch-events: storage, and the SNS topic that receives run endings. */
export interface BatchEventsConfig extends StorageConfig {
  snsTopicArn: string
  /** Endpoint override, such as the local SNS recorder's address; unset on AWS. */
  snsEndpoint?: string
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/**
 * Picks the level of a logger created before the configuration is checked: LOG_LEVEL when
 * valid, else `info`. The configuration check reports an invalid value.
 */
export function logLevelOf(env: Environment): string {
  const level = env.LOG_LEVEL?.trim()
  return level && LOG_LEVELS.includes(level) ? level : 'info'
}

/**
 * DynamoDB table names are 3 to 255 characters of letters, digits, `_`, `-` and `.` (DynamoDB
 * developer guide, "Naming rules"). `<prefix>-activity` adds 9 characters to the prefix, the
 * maximum among the table names, so the prefix has at most 246.
 */
const TABLE_PREFIX_PATTERN = /^[A-Za-z0-9_.-]{1,246}$/

/** `arn:<partition>:sns:<region>:<account>:<topic>`; topic names are 1 to 256 characters. */
export const TOPIC_ARN_PATTERN =
  /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/

/** Region names such as `eu-west-1`, `us-gov-west-1` or `cn-north-1`. */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/

/** Collects every problem first, so one start reports all of them. */
class ConfigReader {
  readonly problems: string[] = []

  constructor(readonly env: Environment) {}

  required(name: string, example: string): string {
    const value = this.env[name]?.trim()
    if (!value) {
      this.problems.push(`${name} is missing; set it to ${example}`)
      return ''
    }
    return value
  }

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim()
    return value ? value : undefined
  }

  matching(name: string, value: string, pattern: RegExp, expected: string): string {
    if (value && !pattern.test(value)) {
      this.problems.push(`${name} is invalid (${JSON.stringify(value)}); expected ${expected}`)
    }
    return value
  }

  url(name: string): string | undefined {
    const value = this.optional(name)
    if (value === undefined) return undefined

    let parsed: URL | undefined
    try {
      parsed = new URL(value)
    } catch {
      parsed = undefined
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      this.problems.push(
        `${name} is invalid (${JSON.stringify(value)}); expected an http or https URL, such as http://127.0.0.1:8000, or leave it unset on AWS`,
      )
    }
    return value
  }

  throwIfInvalid(): void {
    if (this.problems.length > 0) {
      throw new ConfigurationError(`invalid configuration: ${this.problems.join('; ')}`)
    }
  }
}

function readStorage(reader: ConfigReader): StorageConfig {
  const region = reader.matching(
    'AWS_REGION',
    reader.required('AWS_REGION', 'the AWS region of the tables, such as eu-west-1'),
    REGION_PATTERN,
    'a region name such as eu-west-1',
  )
  const tablePrefix = reader.matching(
    'TABLE_PREFIX',
    reader.required('TABLE_PREFIX', 'the prefix of the table names, such as trainplane-dev'),
    TABLE_PREFIX_PATTERN,
    'up to 246 letters, digits, "_", "-" or "."',
  )
  const logLevel = reader.optional('LOG_LEVEL') ?? 'info'
  if (!LOG_LEVELS.includes(logLevel)) {
    reader.problems.push(
      `LOG_LEVEL is invalid (${JSON.stringify(logLevel)}); expected one of ${LOG_LEVELS.join(', ')}`,
    )
  }
  const dynamoDbEndpoint = reader.url('DYNAMODB_ENDPOINT')

  return {
    region,
    tablePrefix,
    logLevel,
    ...(dynamoDbEndpoint !== undefined && { dynamoDbEndpoint }),
  }
}

/**
 * Reads the post-confirmation function's configuration.
 *
 * @throws ConfigurationError naming every missing or invalid variable
 */
export function loadPostConfirmationConfig(env: Environment): StorageConfig {
  const reader = new ConfigReader(env)
  const config = readStorage(reader)
  reader.throwIfInvalid()
  return config
}

/**
 * Reads the batch-events function's configuration.
 *
 * @throws ConfigurationError naming every missing or invalid variable
 */
export function loadBatchEventsConfig(env: Environment): BatchEventsConfig {
  const reader = new ConfigReader(env)
  const storage = readStorage(reader)
  const snsTopicArn = reader.matching(
    'SNS_TOPIC_ARN',
    reader.required('SNS_TOPIC_ARN', 'the ARN of the topic that receives run endings'),
    TOPIC_ARN_PATTERN,
    'an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:trainplane-runs',
  )
  const snsEndpoint = reader.url('SNS_ENDPOINT')
  reader.throwIfInvalid()

  return { ...storage, snsTopicArn, ...(snsEndpoint !== undefined && { snsEndpoint }) }
}
