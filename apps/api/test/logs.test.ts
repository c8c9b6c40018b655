import { RunRepository, type RunSpec } from '@trainplane/shared'
import t, { type Test } from 'tap'
import { expectedLines, runTwoNodeJob } from './helpers/batch-logs.js'
import { validSpec } from './helpers/catalog.js'
import { startForgedIdentityApp } from './helpers/forged-identity.js'

const LINES_PER_NODE = 23
const PAGE_SIZE = 5

interface LogPage {
  runId: string
  node: number
  attempt: number
  runStatus: string
  status: string
  lines: { timestamp: string; message: string }[]
  nextCursor?: string
}

async function setup(t: Test) {
  const job = await runTwoNodeJob(t, LINES_PER_NODE)
  const api = await startForgedIdentityApp(t, { cloudWatchLogs: job.logs })
  const runs = new RunRepository(api.db.document, api.db.tables, api.db.cursors)

  const createRun = async (userId = 'ada') =>
    (await runs.create({ userId, spec: validSpec() as RunSpec })).run

  /** Records the run as submitted to the job, as the worker's dispatch does. */
  const submit = async (runId: string, jobId = job.jobId) => {
    await runs.claimQueued(runId, 'test-worker', 60_000)
    return runs.recordSubmission(runId, 'test-worker', { jobId, jobName: `trainplane-${runId}` })
  }

  /** Stores log streams as the worker's monitor does. */
  const storeStreams = async (runId: string, streams: Record<string, string>) => {
    const run = await runs.get(runId, { consistent: true })
    if (!run) throw new Error(`run ${runId} is missing`)
    await runs.updateDetails(
      runId,
      run,
      { logStreams: streams, logStreamsByAttempt: { '1': streams } },
      new Date().toISOString(),
    )
  }

  const readLogs = async (runId: string, query: string, userId = 'ada', groups: string[] = []) =>
    api.app.inject({ url: `/v1/runs/${runId}/logs?${query}`, headers: api.as(userId, groups) })

  return { ...api, job, runs, createRun, submit, storeStreams, readLogs }
}

/** Reads pages until the cursor stops moving, which is the end of the stream. */
async function readAllPages(
  read: (query: string) => Promise<{ statusCode: number; json(): unknown }>,
  node: number,
) {
  const pages: LogPage[] = []
  let cursor: string | undefined
  for (let index = 0; index < 100; index++) {
    const query = `node=${node}&limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const response = await read(query)
    if (response.statusCode !== 200) {
      throw new Error(`page ${index} failed: ${JSON.stringify(response.json())}`)
    }
    const page = response.json() as LogPage
    pages.push(page)
    if (page.nextCursor === undefined || page.nextCursor === cursor) return pages
    cursor = page.nextCursor
  }
  throw new Error('the cursor never stopped moving')
}

t.test('2-node job logs read back page by page', async (t) => {
  const { job, createRun, submit, storeStreams, readLogs } = await setup(t)
  const run = await createRun()
  await submit(run.runId)
  await storeStreams(run.runId, job.streams)

  for (const node of [0, 1]) {
    const pages = await readAllPages((query) => readLogs(run.runId, query), node)
    const messages = pages.flatMap((page) => page.lines.map((line) => line.message))

    t.strictSame(messages, expectedLines(node, LINES_PER_NODE), `node ${node}: every line once`)
    t.ok(
      pages.every((page) => page.lines.length <= PAGE_SIZE),
      `node ${node}: no page above the limit`,
    )
    t.ok(pages.length > 1, `node ${node}: more than one page`)
    t.ok(
      pages.every((page) => page.status === 'AVAILABLE' && page.node === node),
      `node ${node}: every page AVAILABLE`,
    )
    t.equal(pages.at(-1)?.lines.length, 0, `node ${node}: the last page is empty`)
    t.ok(pages.at(-1)?.nextCursor, `node ${node}: the last page still has a cursor to poll with`)
    t.ok(
      pages.every((page) => page.lines.every((line) => !Number.isNaN(Date.parse(line.timestamp)))),
      `node ${node}: every line has a timestamp`,
    )
  }
})

t.test('queued run answers NOT_STARTED', async (t) => {
  const { createRun, readLogs } = await setup(t)
  const run = await createRun()

  const response = await readLogs(run.runId, 'node=1')

  t.equal(response.statusCode, 200)
  t.strictSame(response.json(), {
    runId: run.runId,
    node: 1,
    attempt: 1,
    runStatus: 'QUEUED',
    status: 'NOT_STARTED',
    lines: [],
  })
})

t.test('node without a stream answers NO_STREAM_YET', async (t) => {
  const { createRun, submit, storeStreams, readLogs } = await setup(t)
  const withoutStreams = await createRun()
  await submit(withoutStreams.runId)
  const unknownStream = await createRun()
  await submit(unknownStream.runId)
  await storeStreams(unknownStream.runId, { '0': 'log-lines/default/not-created-yet' })

  const none = await readLogs(withoutStreams.runId, 'node=0')
  const notCreated = await readLogs(unknownStream.runId, 'node=0')
  const otherNode = await readLogs(unknownStream.runId, 'node=1')

  t.equal(none.statusCode, 200)
  t.equal((none.json() as LogPage).status, 'NO_STREAM_YET', 'no stream stored')
  t.equal((none.json() as LogPage).runStatus, 'SUBMITTED')
  t.equal(notCreated.statusCode, 200)
  t.equal((notCreated.json() as LogPage).status, 'NO_STREAM_YET', 'stream not in CloudWatch yet')
  t.equal((otherNode.json() as LogPage).status, 'NO_STREAM_YET', 'stream of another node only')
})

t.test('another user gets 404 and an admin reads the logs', async (t) => {
  const { job, createRun, submit, storeStreams, readLogs } = await setup(t)
  const run = await createRun('ada')
  await submit(run.runId)
  await storeStreams(run.runId, job.streams)

  const stranger = await readLogs(run.runId, 'node=0', 'mallory')
  const admin = await readLogs(run.runId, 'node=0', 'root', ['admins'])

  t.equal(stranger.statusCode, 404)
  t.equal(stranger.json().error.code, 'API_ERR_RUN_NOT_FOUND')
  t.equal(admin.statusCode, 200)
  t.equal((admin.json() as LogPage).lines[0]?.message, 'node 0 line 1')
})

t.test('invalid node, attempt, limit and cursor get 400', async (t) => {
  const { job, createRun, submit, storeStreams, readLogs } = await setup(t)
  const run = await createRun()
  await submit(run.runId)
  await storeStreams(run.runId, job.streams)
  const first = (await readLogs(run.runId, 'node=0&limit=2')).json() as LogPage
  const cases = [
    { query: 'node=2', code: 'API_ERR_LOG_NODE_OUT_OF_RANGE', field: 'node' },
    { query: 'node=-1', code: 'API_ERR_VALIDATION', field: 'node' },
    { query: 'node=one', code: 'API_ERR_VALIDATION', field: 'node' },
    { query: 'attempt=2', code: 'API_ERR_LOG_ATTEMPT_OUT_OF_RANGE', field: 'attempt' },
    { query: 'attempt=0', code: 'API_ERR_VALIDATION', field: 'attempt' },
    { query: 'limit=0', code: 'API_ERR_VALIDATION', field: 'limit' },
    { query: 'limit=1001', code: 'API_ERR_VALIDATION', field: 'limit' },
    { query: 'cursor=forged.cursor', code: 'API_ERR_INVALID_CURSOR', field: 'cursor' },
    {
      query: `node=1&cursor=${encodeURIComponent(first.nextCursor ?? '')}`,
      code: 'API_ERR_INVALID_CURSOR',
      field: 'cursor',
    },
  ]

  for (const { query, code, field } of cases) {
    const response = await readLogs(run.runId, query)
    t.equal(response.statusCode, 400, `${query}: status`)
    t.equal(response.json().error.code, code, `${query}: code`)
    t.equal(response.json().error.field, field, `${query}: field`)
  }
  const after = await readLogs(run.runId, 'node=0&limit=2')
  t.strictSame((after.json() as LogPage).lines, first.lines, 'the stream reads the same after')
})
