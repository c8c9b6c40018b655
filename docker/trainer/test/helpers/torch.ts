import { spawnSync } from 'node:child_process'
import { PYTHON } from './paths.js'

/**
 * Returns why the example cannot run here, or undefined when it can. It needs torch and the UCI
 * digits data for PYTHON, which Debian's python3-torch and python3-sklearn provide. The check
 * imports torch, which takes seconds, so it runs once a test file.
 */
export function missingTrainingDependencies(): string | undefined {
  cachedCheck ??= { reason: checkTrainingDependencies() }
  return cachedCheck.reason
}

let cachedCheck: { reason: string | undefined } | undefined

function checkTrainingDependencies(): string | undefined {
  const check = spawnSync(
    PYTHON,
    [
      '-c',
      [
        'import importlib.util, pathlib, sys',
        'import torch',
        'spec = importlib.util.find_spec("sklearn")',
        'ok = spec and (pathlib.Path(spec.origin).parent / "datasets/data/digits.csv.gz").is_file()',
        'sys.exit(0 if ok else 3)',
      ].join('\n'),
    ],
    { encoding: 'utf8' },
  )
  if (check.error) {
    return `${PYTHON} could not be started (${check.error.message}); install python3 or set TRAINER_PYTHON`
  }
  if (check.status === 3) {
    return `${PYTHON} has no UCI digits data; install it with \`apt-get install python3-sklearn\``
  }
  if (check.status !== 0) {
    return `${PYTHON} cannot import torch; install it with \`apt-get install python3-torch\` (${check.stderr.trim().split('\n').at(-1)})`
  }
  return undefined
}
