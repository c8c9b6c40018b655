import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { childNodeVariables, mainNodeVariables, startEntrypoint } from './helpers/entrypoint.js'
import { startFakeReportApi } from './helpers/fake-report-api.js'
import { freePort } from './helpers/free-port.js'
import { PYTHON, TRAIN_SCRIPT } from './helpers/paths.js'
import { waitFor, within } from './helpers/processes.js'
import { lastJsonLine, startPython, startPythonArguments } from './helpers/python.js'
import { missingTrainingDependencies } from './helpers/torch.js'

const RUN_ID = 'run-01jdqv6m3p8c1w2x4y5z6a7b8c'
const TOKEN = 'rt1.eyJydW5JZCI6InJ1bi0wMWpkcXY2bTNwOGMxdzJ4NHk1ejZhN2I4YyJ9.c2lnbmF0dXJl'
const EPOCHS = 3

t.test('two-node DDP run on the digits', async (t) => {
  const missing = missingTrainingDependencies()
  if (missing) {
    t.fail(missing)
    return
  }
  const directory = t.testdir()
  const api = await startFakeReportApi({ runId: RUN_ID, token: TOKEN, failFirst: [503] })
  t.teardown(api.close)
  const port = await freePort()
  const job = {
    RUN_ID,
    RUN_TOKEN: TOKEN,
    RUN_REPORT_URL: api.url,
    RUN_HYPERPARAMETERS: JSON.stringify({ epochs: EPOCHS, lr: '0.05', batch_size: 32, seed: 7 }),
    CHECKPOINT_DIR: join(directory, 'checkpoints'),
    PARAMETER_DIGEST_DIR: join(directory, 'digests'),
  }

  const main = startEntrypoint(
    t.teardown,
    mainNodeVariables({ ...job, MASTER_PORT: String(port) }),
    [PYTHON, TRAIN_SCRIPT],
  )
  const child = startEntrypoint(t.teardown, childNodeVariables(port, job), [PYTHON, TRAIN_SCRIPT])
  const [mainResult, childResult] = await within(
    Promise.all([main.finished, child.finished]),
    120_000,
    'the two nodes',
  )

  t.equal(mainResult.code, 0, 'main node exits 0', { stderr: mainResult.stderr })
  t.equal(childResult.code, 0, 'child node exits 0', { stderr: childResult.stderr })

  t.test('both ranks end with identical weights', async (t) => {
    const digests = await Promise.all(
      [0, 1].map(async (rank) =>
        JSON.parse(await readFile(join(job.PARAMETER_DIGEST_DIR, `rank-${rank}.json`), 'utf8')),
      ),
    )
    t.equal(digests[0].rank, 0)
    t.equal(digests[1].rank, 1)
    t.match(digests[0].sha256, /^[0-9a-f]{64}$/)
    t.equal(digests[1].sha256, digests[0].sha256, 'the parameter hashes match')
  })

  t.test('rank 0 saved a loadable checkpoint', async (t) => {
    const checkpoint = join(job.CHECKPOINT_DIR, 'model.pt')
    t.ok(existsSync(checkpoint), 'model.pt exists')
    const code = `
import json, sys, torch
state = torch.load(sys.argv[1])
print(json.dumps({"epochs": state["epochs_completed"], "world_size": state["world_size"],
                  "keys": sorted(state["model"])}))
`.replace('sys.argv[1]', JSON.stringify(checkpoint))

    const result = await startPython(t.teardown, code).finished

    t.equal(result.code, 0, 'checkpoint loads', { stderr: result.stderr })
    t.match(lastJsonLine(result.stdout), {
      epochs: EPOCHS,
      world_size: 2,
      keys: ['0.bias', '0.weight', '2.bias', '2.weight', '4.bias', '4.weight'],
    })
  })

  t.test('the API received the metric series and the results', async (t) => {
    t.equal(api.requests[0]?.status, 503, 'the first request failed')
    t.ok(
      api.requests.every((request) => request.authorization === `Bearer ${TOKEN}`),
      'every request carries the run token',
    )

    const results = api.acceptedResults()
    t.match(results, { epochs: EPOCHS, world_size: 2, backend: 'gloo' })
    t.ok((results?.test_accuracy as number) > 0.8, `test accuracy ${results?.test_accuracy}`)

    const points = api.acceptedPoints()
    const losses = points.filter((point) => point.name === 'train/loss')
    t.same(
      losses.map((point) => point.step),
      Array.from({ length: results?.steps as number }, (_, index) => index + 1),
      'one loss point a step, from rank 0 only',
    )
    const accuracy = points.filter((point) => point.name === 'test/accuracy')
    t.equal(accuracy.length, EPOCHS, 'one test accuracy point an epoch')
    t.equal(accuracy.at(-1)?.value, results?.test_accuracy)
  })

  t.notMatch(mainResult.stderr + childResult.stderr, TOKEN, 'the token is never printed')
})

t.test('two-node DDP run stops cleanly on SIGTERM', async (t) => {
  const missing = missingTrainingDependencies()
  if (missing) {
    t.fail(missing)
    return
  }
  const directory = t.testdir()
  const port = await freePort()
  const job = {
    RUN_HYPERPARAMETERS: JSON.stringify({ epochs: 10000 }),
    CHECKPOINT_DIR: join(directory, 'checkpoints'),
  }
  const main = startEntrypoint(
    t.teardown,
    mainNodeVariables({ ...job, MASTER_PORT: String(port) }),
    [PYTHON, TRAIN_SCRIPT],
  )
  const child = startEntrypoint(t.teardown, childNodeVariables(port, job), [PYTHON, TRAIN_SCRIPT])
  await waitFor(
    'the first epoch to end',
    () => main.output.stderr.includes('epoch 1/10000'),
    120_000,
  )

  main.child.kill('SIGTERM')
  child.child.kill('SIGTERM')
  const [mainResult, childResult] = await within(
    Promise.all([main.finished, child.finished]),
    60_000,
    'the stop',
  )

  t.equal(mainResult.code, 143, 'main node exits 128 + SIGTERM', { stderr: mainResult.stderr })
  t.equal(childResult.code, 143, 'child node exits 128 + SIGTERM', { stderr: childResult.stderr })
  t.match(mainResult.stderr, /stopped at step \d+ after \d+ complete epochs/)
  t.ok(existsSync(join(job.CHECKPOINT_DIR, 'model.pt')), 'the checkpoint was saved')
})

t.test('invalid hyperparameters stop the example with status 2', async (t) => {
  // A torch that fails on import proves that the input is checked before torch is imported.
  const directory = t.testdir({
    torch: { '__init__.py': 'raise ImportError("torch was imported before the input check")\n' },
  })

  const result = await startPythonArguments(t.teardown, [TRAIN_SCRIPT], {
    RUN_HYPERPARAMETERS: '{"lr": "fast"}',
    PYTHONPATH: directory,
  }).finished

  t.equal(result.code, 2)
  t.match(result.stderr, /hyperparameter lr is invalid: 'fast'; expected a number from 1e-06/)
  t.notMatch(result.stderr, /Traceback/, 'the error is a message, not a traceback')
  t.notMatch(result.stderr, /torch was imported/, 'torch is not imported for invalid input')
})
