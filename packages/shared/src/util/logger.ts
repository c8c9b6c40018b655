import { type Logger, type LoggerOptions, pino } from 'pino'

/**
 * Paths pino removes from every log line. Tokens, passwords and a job's environment (which
 * carries RUN_TOKEN) never reach a log.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'idToken',
  '*.idToken',
  'refreshToken',
  '*.refreshToken',
  'runToken',
  '*.runToken',
  'environment',
  '*.environment',
  'containerOverrides.environment',
]

/**
 * Makes the pino logger every service and Lambda uses, with the same redaction and field
 * names (`runId`, `jobId`, `userId`, `requestId`).
 */
export function createLogger(options: { name: string; level?: string } & LoggerOptions): Logger {
  return pino({
    ...options,
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, remove: true },
  })
}
