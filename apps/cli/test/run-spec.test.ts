import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { RunFileError, RunSpecInvalidError, UsageError } from '../src/errors.js'
import { buildRunSpec } from '../src/spec/build-spec.js'
import { formatDuration, parseDurationSeconds } from '../src/spec/duration.js'
import { parseHyperparameterValue, parseKeyValue } from '../src/spec/option-values.js'
import { readRunFile } from '../src/spec/run-file.js'
import { validateRunSpec } from '../src/spec/validate-spec.js'
import { runInProcess, tempConfigDir } from './helpers/cli-harness.js'

const noStdin = async () => ''

t.test('duration parsing', async (t) => {
  const cases: [string, number][] = [
    ['7200', 7200],
    ['2h', 7200],
    ['90m', 5400],
    ['1h30m', 5400],
    ['1d12h', 129_600],
    ['45s', 45],
    [' 2h ', 7200],
  ]
  for (const [text, seconds] of cases) {
    t.equal(parseDurationSeconds(text, '--timeout'), seconds, text)
  }
  for (const text of ['', 'h', '2x', '30m2h', '1.5h', '-60']) {
    t.throws(() => parseDurationSeconds(text, '--timeout'), UsageError, JSON.stringify(text))
  }
  t.equal(formatDuration(5400), '1h30m')
  t.equal(formatDuration(86_400), '1d')
  t.equal(formatDuration(0), '0s')
})

t.test('option values', async (t) => {
  t.same(parseKeyValue('A=b=c', '--env'), ['A', 'b=c'])
  t.same(parseKeyValue('A=', '--env'), ['A', ''])
  t.throws(
    () => parseKeyValue('=x', '--env'),
    /option --env "=x" is invalid; write it as KEY=VALUE/,
  )
  t.throws(() => parseKeyValue('novalue', '--tag'), UsageError)

  t.equal(parseHyperparameterValue('0.001'), 0.001)
  t.equal(parseHyperparameterValue('-3'), -3)
  t.equal(parseHyperparameterValue('1e-4'), 1e-4)
  t.equal(parseHyperparameterValue('true'), true)
  t.equal(parseHyperparameterValue('false'), false)
  t.equal(parseHyperparameterValue('adamw'), 'adamw')
  t.equal(parseHyperparameterValue('1.2.3'), '1.2.3')
  t.equal(parseHyperparameterValue(''), '')
})

t.test('options override run file fields', async (t) => {
  const file = {
    name: 'from-file',
    image: 'registry.example.com/train:1',
    command: ['python', 'train.py'],
    nodes: 2,
    gpusPerNode: 8,
    queue: 'gpu',
    timeoutSeconds: 3600,
    environment: { EPOCHS: 3, KEEP: 'yes' },
    hyperparameters: { lr: 0.1, optimizer: 'sgd' },
    tags: { team: 'vision' },
  }

  const spec = buildRunSpec(
    {
      name: 'from-flag',
      nodes: '4',
      env: ['KEEP=no'],
      hp: ['lr=0.01'],
      retries: '2',
      timeout: '2h',
    },
    ['torchrun', 'main.py'],
    file,
  )

  t.same(spec, {
    name: 'from-flag',
    image: 'registry.example.com/train:1',
    command: ['torchrun', 'main.py'],
    nodes: 4,
    gpusPerNode: 8,
    queue: 'gpu',
    environment: { EPOCHS: '3', KEEP: 'no' },
    hyperparameters: { lr: 0.01, optimizer: 'sgd' },
    timeoutSeconds: 7200,
    retryAttempts: 3,
    tags: { team: 'vision' },
  })
})

t.test('command given twice', async (t) => {
  t.throws(
    () => buildRunSpec({ command: ['python'] }, ['train.py'], undefined),
    /the command is given twice/,
  )
  t.throws(() => buildRunSpec({ nodes: 'two' }, [], undefined), /option --nodes "two" is invalid/)
})

t.test('validation lists every problem', async (t) => {
  const error = (await validateRunSpec({
    image: 'Registry.example.com/Upper',
    command: [],
    nodes: 0,
    queue: 'gpu',
    timeoutSeconds: 3600,
    gpus: 8,
    environment: { '1BAD': 'x' },
  }).catch((err) => err)) as RunSpecInvalidError

  t.type(error, RunSpecInvalidError)
  t.equal(error.exitCode, 2)
  const byField = Object.fromEntries(
    error.problems.map((problem) => [problem.field, problem.message]),
  )
  t.match(byField['/gpusPerNode'], /^is missing \(set by --gpus-per-node\)$/)
  t.match(byField['/gpus'], /is not a run spec field; the fields are name, image, command/)
  t.match(byField['/image'], /must match pattern .* \(set by --image\)/)
  t.match(byField['/command'], /set by --command or the arguments after --/)
  t.match(byField['/nodes'], /must be >= 1 \(set by --nodes\)/)
  t.match(byField['/environment/1BAD'], /key "1BAD" is invalid \(set by --env\)/)
})

t.test('validation collapses union errors', async (t) => {
  const error = (await validateRunSpec({
    image: 'registry.example.com/train:1',
    command: ['python'],
    nodes: 1,
    gpusPerNode: 1,
    queue: 'gpu',
    timeoutSeconds: 3600,
    hyperparameters: { lr: null },
  }).catch((err) => err)) as RunSpecInvalidError

  t.same(error.problems, [
    {
      field: '/hyperparameters/lr',
      message: 'must be a string, a number or a boolean (set by --hp)',
    },
  ])
})

t.test('validation checks size limits and reserved names', async (t) => {
  const error = (await validateRunSpec({
    image: 'registry.example.com/train:1',
    command: ['python'],
    nodes: 1,
    gpusPerNode: 1,
    queue: 'gpu',
    timeoutSeconds: 3600,
    environment: { RUN_TOKEN: 'mine' },
  }).catch((err) => err)) as RunSpecInvalidError

  t.type(error, RunSpecInvalidError)
  t.equal(error.problems[0]?.field, '/environment/RUN_TOKEN')
  t.match(error.problems[0]?.message, /set by the platform or by AWS Batch/)
})

t.test('run files', async (t) => {
  const dir = tempConfigDir(t)
  const write = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }

  t.same(await readRunFile(write('run.yaml', 'name: a\nnodes: 2\n'), noStdin), {
    name: 'a',
    nodes: 2,
  })
  t.same(await readRunFile(write('run.json', '{"name":"a"}'), noStdin), { name: 'a' })
  t.same(await readRunFile('-', async () => 'name: piped\n'), { name: 'piped' })

  const failures: [string, RegExp][] = [
    [
      write('dup.yaml', 'name: a\nname: b\n'),
      /not valid YAML: Map keys must be unique at line 2, column 1$/,
    ],
    [write('bad.json', '{"name":'), /is not valid JSON/],
    [write('two.yaml', 'a: 1\n---\nb: 2\n'), /must contain exactly one YAML document/],
    [write('empty.yaml', ''), /must contain exactly one YAML document/],
    [write('list.yaml', '- a\n- b\n'), /must contain one mapping of run spec fields/],
    [join(dir, 'missing.yaml'), /cannot read run file .*missing\.yaml: no such file/],
  ]
  for (const [path, message] of failures) {
    const error = await readRunFile(path, noStdin).catch((err) => err)
    t.type(error, RunFileError, path)
    t.match(error.message, message, path)
  }
})

t.test('submit dry run prints the merged spec', async (t) => {
  const dir = tempConfigDir(t)
  const file = join(dir, 'run.yaml')
  writeFileSync(
    file,
    [
      'name: resnet',
      'image: registry.example.com/train:1',
      'command: [python, train.py]',
      'nodes: 2',
      'gpusPerNode: 8',
      'queue: gpu',
      'timeoutSeconds: 3600',
      'hyperparameters:',
      '  lr: 0.1',
    ].join('\n'),
  )

  const result = await runInProcess(
    ['submit', '--file', file, '--nodes', '4', '--hp', 'warmup=true', '--dry-run'],
    { env: { TRAINPLANE_CONFIG_DIR: dir } },
  )

  t.equal(result.code, 0, result.stderr)
  t.same(JSON.parse(result.stdout), {
    name: 'resnet',
    image: 'registry.example.com/train:1',
    command: ['python', 'train.py'],
    nodes: 4,
    gpusPerNode: 8,
    queue: 'gpu',
    hyperparameters: { lr: 0.1, warmup: true },
    timeoutSeconds: 3600,
  })
})

t.test('submit rejects an invalid spec locally', async (t) => {
  const dir = tempConfigDir(t)

  const result = await runInProcess(
    [
      'submit',
      '--image',
      'registry.example.com/t:1',
      '--queue',
      'gpu',
      '--nodes',
      '1',
      '--timeout',
      '30',
      '--',
      'python',
    ],
    // No server listens on this API URL, so the test fails if a request is sent.
    { env: { TRAINPLANE_CONFIG_DIR: dir, TRAINPLANE_API_URL: 'http://127.0.0.1:9' } },
  )

  t.equal(result.code, 2)
  t.equal(result.stdout, '')
  t.match(
    result.stderr,
    /^error: the run spec is invalid; fix the fields listed below \(CLI_ERR_RUN_SPEC_INVALID\)\n/,
  )
  t.match(result.stderr, / {2}\/gpusPerNode: is missing \(set by --gpus-per-node\)\n/)
  t.match(result.stderr, / {2}\/timeoutSeconds: must be >= 60 \(set by --timeout\)\n/)
})

t.test('submit usage errors', async (t) => {
  const dir = tempConfigDir(t)
  const env = { TRAINPLANE_CONFIG_DIR: dir }

  const badKey = await runInProcess(['submit', '--idempotency-key', 'has space', '--dry-run'], {
    env,
  })
  const badFile = await runInProcess(['submit', '--file', join(dir, 'none.yaml')], { env })
  const badOption = await runInProcess(['submit', '--nodes'], { env })

  t.equal(badKey.code, 2)
  t.match(badKey.stderr, /option --idempotency-key "has space" is invalid; .* \(CLI_ERR_USAGE\)/)
  t.equal(badFile.code, 2)
  t.match(badFile.stderr, /\(CLI_ERR_RUN_FILE\)/)
  t.equal(badOption.code, 2)
  t.match(badOption.stderr, /error: option '--nodes <count>' argument missing \(CLI_ERR_USAGE\)/)
})
