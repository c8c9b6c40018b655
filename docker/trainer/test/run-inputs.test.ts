import t from 'tap'
import { lastJsonLine, startPython } from './helpers/python.js'

/** Calls the example's input checks in one Python process, which needs no torch. */
async function checkInputs(
  teardown: (fn: () => void | Promise<void>) => void,
  hyperparameters: string[],
  variables: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const code = `
import json, sys
sys.path.insert(0, "examples/ddp-digits")
from dataclasses import asdict
from run_inputs import InputError, find_digits_file, parse_hyperparameters
outcomes = []
for text in json.loads(sys.argv[1]):
    try:
        outcomes.append({"value": asdict(parse_hyperparameters(text))})
    except InputError as error:
        outcomes.append({"error": str(error)})
try:
    data = {"value": str(find_digits_file())}
except InputError as error:
    data = {"error": str(error)}
print(json.dumps({"hyperparameters": outcomes, "data": data}))
`.replace('sys.argv[1]', JSON.stringify(JSON.stringify(hyperparameters)))
  const result = await startPython(teardown, code, variables).finished
  if (result.code !== 0) throw new Error(`input checks failed: ${result.stderr}`)
  return lastJsonLine(result.stdout)
}

t.test('hyperparameters come from RUN_HYPERPARAMETERS', async (t) => {
  const outcome = await checkInputs(t.teardown, [
    '',
    '{"epochs": "4", "lr": 0.1, "batch_size": 64.0, "seed": 3}',
  ])

  const [defaults, given] = outcome.hyperparameters as Array<{ value: Record<string, unknown> }>
  t.match(defaults?.value, { epochs: 10, lr: 0.05, batch_size: 32, seed: 0 })
  t.same(given?.value, {
    epochs: 4,
    lr: 0.1,
    momentum: 0.9,
    batch_size: 64,
    hidden_size: 64,
    seed: 3,
    test_fraction: 0.2,
  })
})

t.test('invalid hyperparameters are explained', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['{"lr": "fast"}', /hyperparameter lr is invalid: 'fast'; expected a number from 1e-06/],
    ['{"epochs": 2.5}', /hyperparameter epochs is invalid: 2\.5; expected an integer from 1/],
    ['{"epochs": 0}', /hyperparameter epochs is invalid: 0; expected an integer from 1 to 10000/],
    ['{"momentum": true}', /hyperparameter momentum is invalid: True; expected a number/],
    ['{"learning_rate": 0.1}', /unknown hyperparameter 'learning_rate'; this example accepts/],
    ['epochs=3', /RUN_HYPERPARAMETERS is not valid JSON/],
    ['[1, 2]', /RUN_HYPERPARAMETERS must be a JSON object/],
  ]

  const outcome = await checkInputs(
    t.teardown,
    cases.map(([text]) => text),
  )

  const outcomes = outcome.hyperparameters as Array<{ error?: string }>
  cases.forEach(([text, message], index) => {
    t.match(outcomes[index]?.error, message, text)
  })
})

t.test('missing digits file is explained', async (t) => {
  const outcome = await checkInputs(t.teardown, [], { DIGITS_CSV: '/nonexistent/digits.csv.gz' })

  t.same(outcome.data, {
    error:
      'DIGITS_CSV file not found: /nonexistent/digits.csv.gz; set it to a copy of digits.csv.gz',
  })
})
