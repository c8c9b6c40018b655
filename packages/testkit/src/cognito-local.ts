import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  CognitoIdentityProviderClient,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { freePort } from './free-port.js'

export interface CognitoLocal {
  /** Cognito API endpoint, such as `http://127.0.0.1:41234`. */
  endpoint: string
  port: number
  /** Issuer of a pool's tokens; its JWKS is at `<issuer>/.well-known/jwks.json`. */
  issuerFor(userPoolId: string): string
  process: ChildProcess
  stop(): Promise<void>
}

export interface StartCognitoLocalOptions {
  /** Folder for cognito-local's `.cognito` data; a temporary one, removed at stop, when absent. */
  dataDir?: string
  port?: number
  /** Lambda Invoke API endpoint that cognito-local calls for triggers. */
  lambdaEndpoint?: string
  /** Trigger name to function name, such as `{ PostConfirmation: 'post-confirmation' }`. */
  triggers?: Record<string, string>
  readyTimeoutMs?: number
}

export const COGNITO_LOCAL_REGION = 'us-east-1'
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }

function cognitoLocalEntry(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js')
}

/**
 * Starts cognito-local on 127.0.0.1 with its issuer set to the address it listens on, so the
 * tokens it signs name an issuer whose JWKS is really there.
 */
export async function startCognitoLocal(
  options: StartCognitoLocalOptions = {},
): Promise<CognitoLocal> {
  const port = options.port ?? (await freePort())
  const endpoint = `http://127.0.0.1:${port}`
  const ownsDataDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cognito-local-'))

  mkdirSync(join(dataDir, '.cognito'), { recursive: true })
  const config = {
    TokenConfig: { IssuerDomain: endpoint },
    TriggerFunctions: options.triggers ?? {},
    LambdaClient: {
      credentials: LOCAL_CREDENTIALS,
      region: COGNITO_LOCAL_REGION,
      ...(options.lambdaEndpoint && { endpoint: options.lambdaEndpoint }),
    },
  }
  writeFileSync(join(dataDir, '.cognito', 'config.json'), `${JSON.stringify(config, null, 2)}\n`)

  const child = spawn(process.execPath, [cognitoLocalEntry()], {
    cwd: dataDir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 5000).unref()
      })
    }
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true })
  }

  const client = new CognitoIdentityProviderClient({
    endpoint,
    region: COGNITO_LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  })
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000)
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`cognito-local exited with code ${child.exitCode}: ${output}`)
      }
      try {
        await client.send(new ListUserPoolsCommand({ MaxResults: 1 }))
        break
      } catch (err) {
        if (Date.now() > deadline) {
          throw new Error(
            `cognito-local did not answer on ${endpoint}: ${(err as Error).message}\n${output}`,
          )
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  } catch (err) {
    await stop()
    throw err
  } finally {
    client.destroy()
  }

  return {
    endpoint,
    port,
    issuerFor: (userPoolId) => `${endpoint}/${userPoolId}`,
    process: child,
    stop,
  }
}
