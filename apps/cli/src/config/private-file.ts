import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { ConfigFileError } from '../errors.js'

/** Owner-only modes: tokens must not be readable by other users of the machine. */
export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** Creates the directory, or tightens an existing one, to mode 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  chmodSync(dir, PRIVATE_DIR_MODE)
}

/**
 * Writes a file with mode 0600 in a 0700 directory. The content goes to a new temporary file
 * that is then renamed over the target, so a reader never sees half a file and an existing
 * file never has looser permissions, even for a moment.
 */
export function writePrivateFile(path: string, content: string): void {
  ensurePrivateDir(dirname(path))

  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    writeFileSync(temporary, content, { mode: PRIVATE_FILE_MODE, flag: 'wx' })
    chmodSync(temporary, PRIVATE_FILE_MODE)
    renameSync(temporary, path)
  } catch (err) {
    rmSync(temporary, { force: true })
    throw err
  }
}

/**
 * Reads and parses a JSON file.
 *
 * @returns the parsed value, or undefined when the file does not exist
 * @throws ConfigFileError when the file cannot be read or is not valid JSON
 */
export function readJsonFile(path: string): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined
    }
    throw new ConfigFileError(path, `cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    })
  }

  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ConfigFileError(
      path,
      `${path} is not valid JSON (${(err as Error).message}); fix or delete the file`,
      { cause: err },
    )
  }
}
