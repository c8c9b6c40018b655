// @ts-check
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseQueueCatalog } from '@trainplane/shared'

/**
 * Writes a queue catalog for the API and the worker, after checking it with the schema they load
 * it with. The file is replaced through a rename, so neither reads half of it, and every user may
 * read it, so the apps need not run as the init job's user.
 *
 * @param {string} path - the apps' QUEUE_CATALOG_PATH
 * @param {import('@trainplane/shared').QueueCatalog} catalog
 * @throws {import('@trainplane/shared').ConfigurationError} when the catalog is invalid
 */
export function writeQueueCatalog(path, catalog) {
  parseQueueCatalog(catalog, 'the compose queue catalog')

  mkdirSync(dirname(path), { recursive: true })
  const temporary = `${path}.tmp`
  writeFileSync(temporary, `${JSON.stringify(catalog, null, 2)}\n`, { mode: 0o644 })
  renameSync(temporary, path)
}
