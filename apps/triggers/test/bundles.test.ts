import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { RunRepository, UserRepository } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import t from 'tap'
import { bundleFunctions } from '../src/bundle/bundle-functions.js'
import { writeZip } from '../src/bundle/zip-file.js'
import { startSnsRecorder } from '../src/local/sns-recorder.js'
import { captureLogs, jobEvent, localEnvironment, submittedRun } from './fixtures/helpers.js'

const run = promisify(execFile)

const outDir = mkdtempSync(join(tmpdir(), 'triggers-bundles-'))
t.teardown(() => rmSync(outDir, { recursive: true, force: true }))

/** Imports a bundle in a plain Node process, without tap's loaders, and calls its handler. */
const CALLER = `
const [bundle, event] = process.argv.slice(2)
const { handler } = await import(bundle)
const context = { awsRequestId: 'bundle-test', functionName: 'bundle-test', getRemainingTimeInMillis: () => 30000 }
try {
  const result = await handler(JSON.parse(event), context)
  process.stdout.write(JSON.stringify({ ok: true, result: result ?? null }))
} catch (err) {
  process.stdout.write(JSON.stringify({ ok: false, name: err.name, message: err.message }))
}
`
const callerPath = join(outDir, 'call-handler.mjs')
writeFileSync(callerPath, CALLER)

async function callBundle(file: string, event: unknown, env: Record<string, string>) {
  const { stdout } = await run(process.execPath, [callerPath, file, JSON.stringify(event)], {
    env: { PATH: process.env.PATH ?? '', ...env },
  })
  return JSON.parse(stdout) as { ok: boolean; result?: unknown; name?: string; message?: string }
}

const db = await setupTestDynamoDb(t)
const recorder = await startSnsRecorder({ logger: captureLogs().logger })
t.teardown(() => recorder.close())
const env = localEnvironment({
  TABLE_PREFIX: db.prefix,
  DYNAMODB_ENDPOINT: db.endpoint,
  SNS_ENDPOINT: recorder.endpoint,
  SNS_TOPIC_ARN: recorder.topicArn('trainplane-run-events'),
})
const built = await bundleFunctions({ outDir })
const bundles = Object.fromEntries(built.map((bundle) => [bundle.name, bundle]))

t.test('each function has a zip with its module', async (t) => {
  t.same(Object.keys(bundles).sort(), ['batch-events', 'post-confirmation'])

  for (const bundle of built) {
    const zip = readFileSync(bundle.zip)
    t.equal(zip.subarray(0, 4).toString('latin1'), 'PK\x03\x04', `${bundle.name} is a zip`)
    t.ok(zip.includes('index.mjs'), `${bundle.name} holds index.mjs`)
    t.equal(bundle.zipBytes, zip.length)
  }
})

t.test('zips of the same files are identical', async (t) => {
  const entries = [{ name: 'index.mjs', content: Buffer.from('export const handler = 1\n') }]
  const first = join(outDir, 'first.zip')
  const second = join(outDir, 'second.zip')

  await writeZip(first, entries)
  await writeZip(second, entries)

  t.same(readFileSync(first), readFileSync(second))
})

t.test('batch-events bundle runs in plain Node', async (t) => {
  const runs = new RunRepository(db.document, db.tables, db.cursors)
  const submitted = await submittedRun(runs)
  const event = jobEvent({
    jobId: submitted.jobId,
    status: 'SUCCEEDED',
    attempts: [{ exitCode: 0 }],
  })

  const answer = await callBundle(bundles['batch-events']?.file ?? '', event, env)

  t.same(answer, { ok: true, result: null })
  t.equal((await runs.get(submitted.runId, { consistent: true }))?.status, 'SUCCEEDED')
  t.equal(recorder.messages().length, 1)
})

t.test('post-confirmation bundle runs in plain Node', async (t) => {
  const event = {
    triggerSource: 'PostConfirmation_ConfirmSignUp',
    userPoolId: 'us-east-1_bundle',
    request: { userAttributes: { sub: 'sub-bundle', email: 'bundle@example.com' } },
    response: {},
  }

  const answer = await callBundle(bundles['post-confirmation']?.file ?? '', event, env)

  t.same(answer, { ok: true, result: event })
  t.match(await new UserRepository(db.document, db.tables).get('sub-bundle'), {
    email: 'bundle@example.com',
  })
})

t.test('bundle without configuration fails naming the variables', async (t) => {
  const answer = await callBundle(bundles['post-confirmation']?.file ?? '', {}, {})

  t.match(answer, {
    ok: false,
    name: 'ConfigurationError',
    message: /AWS_REGION is missing.*TABLE_PREFIX is missing/,
  })
})
