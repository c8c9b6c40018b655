import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface LocalSecrets {
  cursorSigningKey: string
  runTokenKey: string
}

/**
 * Loads the local stack's signing keys, or makes them on first start. They live in the data
 * folder, readable by the owner only, so cursors and run tokens stay valid across restarts.
 */
export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const path = join(dataDir, 'secrets.json')
  if (existsSync(path)) {
    return JSON.parse(readFileSync(path, 'utf8')) as LocalSecrets
  }
  const secrets = {
    cursorSigningKey: randomBytes(32).toString('base64url'),
    runTokenKey: randomBytes(32).toString('base64url'),
  }
  writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  return secrets
}
