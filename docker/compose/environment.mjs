// @ts-check
import { ConfigurationError } from '@trainplane/shared'

/** Cognito's UserPoolId pattern (Amazon Cognito API reference, UserPoolClientDescription). */
export const USER_POOL_ID_PATTERN = /^[\w-]+_[0-9a-zA-Z]+$/

/**
 * Cognito's ClientId pattern and length (Amazon Cognito API reference,
 * UserPoolClientDescription).
 */
export const CLIENT_ID_PATTERN = /^[\w+]{1,128}$/

/** Region names such as `us-east-1`. */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/

/**
 * Reads the variables of a compose script's environment and collects every problem, so one
 * start reports all of them.
 */
export class EnvironmentReader {
  /** @type {string[]} */
  problems = []

  /** @param {Readonly<Record<string, string | undefined>>} env */
  constructor(env) {
    this.env = env
  }

  /**
   * Reads a variable that must be set.
   *
   * @param {string} name
   * @param {string} example - a valid value, for the message when it is missing
   * @returns {string} the trimmed value, or '' when it is missing
   */
  required(name, example) {
    const value = this.env[name]?.trim()
    if (!value) {
      this.problems.push(`${name} is missing; set it to a value such as ${example}`)
      return ''
    }
    return value
  }

  /**
   * Reads a variable that must be set and match a pattern.
   *
   * @param {string} name
   * @param {RegExp} pattern
   * @param {string} example
   */
  matching(name, pattern, example) {
    const value = this.required(name, example)
    if (value && !pattern.test(value)) {
      this.problems.push(
        `${name} is invalid (${JSON.stringify(value)}); expected a value such as ${example}`,
      )
    }
    return value
  }

  /**
   * Reads the AWS region.
   */
  region() {
    return this.matching('AWS_REGION', REGION_PATTERN, 'us-east-1')
  }

  /**
   * Reads a variable that must be an http or https URL.
   *
   * @param {string} name
   * @param {string} example
   */
  url(name, example) {
    const value = this.required(name, example)
    if (!value) return value

    let parsed
    try {
      parsed = new URL(value)
    } catch {
      parsed = undefined
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      this.problems.push(
        `${name} is invalid (${JSON.stringify(value)}); expected an http URL such as ${example}`,
      )
    }
    return value
  }

  /**
   * Reads LOG_LEVEL, `info` when unset.
   */
  logLevel() {
    const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
    const value = this.env.LOG_LEVEL?.trim() || 'info'
    if (!levels.includes(value)) {
      this.problems.push(
        `LOG_LEVEL is invalid (${JSON.stringify(value)}); use one of ${levels.join(', ')}`,
      )
    }
    return value
  }

  /**
   * @throws {ConfigurationError} naming every missing or invalid variable
   */
  throwIfInvalid() {
    if (this.problems.length > 0) {
      throw new ConfigurationError(`invalid configuration: ${this.problems.join('; ')}`)
    }
  }
}
