import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { ZipFile } from 'yazl'

/**
 * Fixed modification time for every zip entry. With it, the same bundle makes a byte-identical
 * zip, so Terraform's `source_code_hash` changes only when the code does. Zip times start in
 * 1980 (the zip format's DOS date).
 */
const FIXED_MTIME = new Date(Date.UTC(1980, 0, 1))

/** One file to put in a zip, under its name in the archive. */
export interface ZipEntry {
  name: string
  content: Buffer
}

/** Writes a deflated zip of the entries, readable by everyone, with fixed times. */
export async function writeZip(path: string, entries: ZipEntry[]): Promise<void> {
  const zip = new ZipFile()
  for (const entry of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
    zip.addBuffer(entry.content, entry.name, { mtime: FIXED_MTIME, mode: 0o100644 })
  }
  zip.end()
  await pipeline(zip.outputStream, createWriteStream(path))
}
