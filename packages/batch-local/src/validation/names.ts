import { ClientException } from '../api/errors.js'
import { optionalStringMap } from './input.js'

// Batch API reference, SubmitJob.jobName: up to 128 letters, numbers, hyphens and underscores,
// and the first character must be a letter or a number.
const JOB_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/

// Batch API reference, CreateJobQueue.jobQueueName and RegisterJobDefinition.jobDefinitionName.
const RESOURCE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/

// Batch API reference, SubmitJob.shareIdentifier: up to 255 letters and numbers, optionally
// followed by an asterisk.
const SHARE_IDENTIFIER_PATTERN = /^[A-Za-z0-9]{1,255}\*?$/

const MAX_TAGS = 50

export function validateJobName(name: string): void {
  if (!JOB_NAME_PATTERN.test(name)) {
    throw new ClientException(
      `Invalid jobName ${JSON.stringify(name)}: a job name can be up to 128 characters long, ` +
        'must start with a letter or number, and can contain letters, numbers, hyphens (-) and underscores (_).',
    )
  }
}

export function validateResourceName(field: string, name: string): void {
  if (!RESOURCE_NAME_PATTERN.test(name)) {
    throw new ClientException(
      `Invalid ${field} ${JSON.stringify(name)}: it can be up to 128 characters long and can contain ` +
        'letters, numbers, hyphens (-) and underscores (_).',
    )
  }
}

export function validateShareIdentifier(shareIdentifier: string): void {
  if (!SHARE_IDENTIFIER_PATTERN.test(shareIdentifier)) {
    throw new ClientException(
      `Invalid shareIdentifier ${JSON.stringify(shareIdentifier)}: it can be up to 255 letters and ` +
        'numbers, optionally followed by an asterisk (*).',
    )
  }
}

/** Reads a `tags` member. Batch allows at most 50 tags, keys up to 128 and values up to 256 characters. */
export function readTags(value: unknown, field = 'tags'): Record<string, string> | undefined {
  const tags = optionalStringMap(value, field)
  if (tags === undefined) {
    return undefined
  }
  const entries = Object.entries(tags)
  if (entries.length > MAX_TAGS) {
    throw new ClientException(`${field} can have at most ${MAX_TAGS} tags (got ${entries.length}).`)
  }
  for (const [key, tagValue] of entries) {
    if (key.length < 1 || key.length > 128) {
      throw new ClientException(`Tag key ${JSON.stringify(key)} must be 1 to 128 characters long.`)
    }
    if (tagValue.length > 256) {
      throw new ClientException(`Tag ${key} has a value longer than 256 characters.`)
    }
  }
  return tags
}
