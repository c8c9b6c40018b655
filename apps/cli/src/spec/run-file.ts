import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { RunFileError } from '../errors.js'

/** A run spec is a few KiB; a file far larger than that is a wrong path. */
const MAX_RUN_FILE_BYTES = 1024 * 1024

/**
 * Reads a run file: JSON when the name ends in `.json`, YAML otherwise (YAML 1.2, so plain
 * JSON parses too). `-` reads standard input.
 *
 * @returns the top-level mapping, not yet validated
 * @throws RunFileError naming the file, and the line for a syntax error
 */
export async function readRunFile(
  path: string,
  readStdin: () => Promise<string>,
): Promise<Record<string, unknown>> {
  const name = path === '-' ? 'standard input' : path
  const text = await readText(path, name, readStdin)

  const parsed =
    extname(path).toLowerCase() === '.json' ? parseJson(text, name) : await parseYaml(text, name)
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RunFileError(
      name,
      `run file ${name} must contain one mapping of run spec fields (name, image, command, ...)`,
    )
  }
  return parsed as Record<string, unknown>
}

async function readText(
  path: string,
  name: string,
  readStdin: () => Promise<string>,
): Promise<string> {
  let text: string
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8')
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message
    throw new RunFileError(name, `cannot read run file ${name}: ${reason}`, { cause: err })
  }

  if (Buffer.byteLength(text, 'utf8') > MAX_RUN_FILE_BYTES) {
    throw new RunFileError(
      name,
      `run file ${name} is larger than ${MAX_RUN_FILE_BYTES} bytes; a run spec is a few KiB`,
    )
  }
  return text
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new RunFileError(name, `run file ${name} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    })
  }
}

async function parseYaml(text: string, name: string): Promise<unknown> {
  const { parseAllDocuments } = await import('yaml')
  const documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true })

  if (!Array.isArray(documents) || documents.length !== 1) {
    throw new RunFileError(name, `run file ${name} must contain exactly one YAML document`)
  }
  const [document] = documents
  const [error] = document?.errors ?? []
  if (document === undefined || error !== undefined) {
    // With prettyErrors the first line of the message ends with "at line L, column C:".
    const detail = error?.message.split('\n')[0]?.replace(/:$/, '') ?? 'empty document'
    throw new RunFileError(name, `run file ${name} is not valid YAML: ${detail}`)
  }
  return document.toJS()
}
