import { join, resolve } from 'node:path'

/** Root of the repository, the build context of every image. */
export const REPOSITORY_ROOT = resolve(import.meta.dirname, '..', '..', '..', '..')

export const DOCKER_DIR = join(REPOSITORY_ROOT, 'docker')

export const COMPOSE_FILE = join(DOCKER_DIR, 'compose.yaml')

export const FIXTURES_DIR = resolve(import.meta.dirname, '..', 'fixtures')
