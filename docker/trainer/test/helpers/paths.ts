import { fileURLToPath } from 'node:url'

/** The repository root: batch-local runs job commands from there, and so do these tests. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

export const ENTRYPOINT = fileURLToPath(new URL('../../entrypoint.sh', import.meta.url))

export const TRAIN_SCRIPT = 'examples/ddp-digits/train.py'

export const REPORTER_DIR = fileURLToPath(new URL('../../../../examples/reporter', import.meta.url))

/**
 * The Python that has torch. Debian's python3-torch installs for /usr/bin/python3, which is not
 * always the first python3 on PATH.
 */
export const PYTHON = process.env.TRAINER_PYTHON ?? '/usr/bin/python3'
