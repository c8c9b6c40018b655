import t from 'tap'
import { startFakeReportApi } from './helpers/fake-report-api.js'
import { freePort } from './helpers/free-port.js'
import { waitFor, within } from './helpers/processes.js'
import { lastJsonLine, startPython } from './helpers/python.js'

const RUN_ID = 'run-01jdqv6m3p8c1w2x4y5z6a7b8c'
const TOKEN = 'rt1.eyJydW5JZCI6InJ1bi0wMWpkcXY2bTNwOGMxdzJ4NHk1ejZhN2I4YyJ9.c2lnbmF0dXJl'

/** Fast retries, so the tests do not wait for production backoff. */
const FAST_OPTIONS = 'initial_backoff_seconds=0.02, max_backoff_seconds=0.2'

function platformVariables(url: string): Record<string, string> {
  return { RUN_ID, RUN_TOKEN: TOKEN, RUN_REPORT_URL: url }
}

t.test('reporter sends batches and results with the run token', async (t) => {
  const api = await startFakeReportApi({ runId: RUN_ID, token: TOKEN })
  t.teardown(api.close)
  const code = `
import json
from trainplane_reporter import Reporter
reporter = Reporter.from_environment(batch_size=100, flush_interval_seconds=60)
for step in range(250):
    reporter.log_metric("train/loss", 1.0 / (step + 1), step)
reporter.set_results({"test_accuracy": 0.97, "epochs": 3})
print(json.dumps({"closed": reporter.close(timeout=30), "dropped": reporter.dropped_points}))
`

  const result = await startPython(t.teardown, code, platformVariables(api.url)).finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  t.same(lastJsonLine(result.stdout), { closed: true, dropped: 0 })
  t.same(
    api.requests.map((request) => [request.method, request.path]),
    [
      ['POST', `/v1/runs/${RUN_ID}/metrics`],
      ['POST', `/v1/runs/${RUN_ID}/metrics`],
      ['POST', `/v1/runs/${RUN_ID}/metrics`],
      ['PUT', `/v1/runs/${RUN_ID}/results`],
    ],
    'three batches of points, then the results',
  )
  t.ok(
    api.requests.every((request) => request.authorization === `Bearer ${TOKEN}`),
    'every request carries the run token',
  )
  const points = api.acceptedPoints()
  t.same(
    points.map((point) => point.step),
    Array.from({ length: 250 }, (_, step) => step),
    'every point arrives once, in order',
  )
  t.match(points[0], { name: 'train/loss', step: 0, value: 1, at: /^\d{4}-\d\d-\d\dT.*Z$/ })
  t.same(api.acceptedResults(), { test_accuracy: 0.97, epochs: 3 })
  t.notMatch(result.stdout + result.stderr, TOKEN, 'the token is never printed')
})

t.test('reporter retries 503 and 429 answers', async (t) => {
  const api = await startFakeReportApi({ runId: RUN_ID, token: TOKEN, failFirst: [503, 429, 503] })
  t.teardown(api.close)
  const code = `
import json
from trainplane_reporter import Reporter
reporter = Reporter.from_environment(${FAST_OPTIONS})
reporter.log_metrics({"loss": 0.5, "accuracy": 0.8}, step=1)
reporter.set_results({"done": True})
print(json.dumps({"closed": reporter.close(timeout=30)}))
`

  const result = await startPython(t.teardown, code, platformVariables(api.url)).finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  t.same(lastJsonLine(result.stdout), { closed: true })
  t.same(
    api.requests.map((request) => request.status),
    [503, 429, 503, 202, 200],
  )
  t.equal(api.acceptedPoints().length, 2)
  t.same(api.acceptedResults(), { done: true })
  t.match(result.stderr, /metrics not delivered \(503 FAKE_API_REJECTED: rejected\); retry 1/)
})

t.test('reporter delivers once the API comes up', async (t) => {
  const port = await freePort()
  const code = `
import json
from trainplane_reporter import Reporter
reporter = Reporter.from_environment(${FAST_OPTIONS}, flush_interval_seconds=0.05)
reporter.log_metric("loss", 0.25, 10)
print(json.dumps({"closed": reporter.close(timeout=60)}))
`

  const run = startPython(t.teardown, code, platformVariables(`http://127.0.0.1:${port}`))
  await waitFor('a failed connection', () => run.output.stderr.includes('connection failed'))
  const api = await startFakeReportApi({ runId: RUN_ID, token: TOKEN, port })
  t.teardown(api.close)
  const result = await within(run.finished, 60_000, 'the reporter')

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  t.same(lastJsonLine(result.stdout), { closed: true })
  t.same(
    api.acceptedPoints().map(({ name, step, value }) => ({ name, step, value })),
    [{ name: 'loss', step: 10, value: 0.25 }],
  )
})

t.test('reporter never fails training when the API is unreachable', async (t) => {
  const port = await freePort()
  const code = `
import json, time
from trainplane_reporter import Reporter
reporter = Reporter.from_environment(${FAST_OPTIONS}, batch_size=50, max_buffered_points=200)
for step in range(1000):
    reporter.log_metric("loss", 0.1, step)
reporter.set_results({"test_accuracy": 0.9})
started = time.monotonic()
closed = reporter.close(timeout=1)
print(json.dumps({"closed": closed, "dropped": reporter.dropped_points,
                  "close_seconds": time.monotonic() - started}))
`

  const result = await within(
    startPython(t.teardown, code, platformVariables(`http://127.0.0.1:${port}`)).finished,
    60_000,
    'the reporter',
  )

  t.equal(result.code, 0, 'training code ends normally', { stderr: result.stderr })
  const summary = lastJsonLine(result.stdout)
  t.equal(summary.closed, false, 'close reports that not everything was sent')
  t.equal(summary.dropped, 1000, 'every point is counted as dropped')
  t.ok((summary.close_seconds as number) < 30, 'close gives up after its timeout')
  t.equal(
    result.stderr.match(/metric buffer full \(200 points\)/g)?.length,
    1,
    'the buffer overflow warning is logged once, not once a point',
  )
  t.match(result.stderr, /unsent|still failing when the reporter closed/)
  t.notMatch(result.stderr, TOKEN)
})

t.test('reporter drops a rejected batch and goes on', async (t) => {
  const api = await startFakeReportApi({
    runId: RUN_ID,
    token: TOKEN,
    respond: (_request, index) => (index === 0 ? 400 : undefined),
  })
  t.teardown(api.close)
  const code = `
import json
from trainplane_reporter import Reporter
reporter = Reporter.from_environment(batch_size=10, flush_interval_seconds=60)
for step in range(20):
    reporter.log_metric("loss", 0.1, step)
print(json.dumps({"closed": reporter.close(timeout=30), "dropped": reporter.dropped_points}))
`

  const result = await startPython(t.teardown, code, platformVariables(api.url)).finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  t.same(lastJsonLine(result.stdout), { closed: false, dropped: 10 })
  t.same(
    api.requests.map((request) => request.status),
    [400, 202],
  )
  t.match(result.stderr, /metrics dropped: the API rejected them with status 400/)
})

t.test('reporter stops after the token is rejected', async (t) => {
  const api = await startFakeReportApi({ runId: RUN_ID, token: 'another-token' })
  t.teardown(api.close)
  const code = `
import json
from trainplane_reporter import Reporter
reporter = Reporter.from_environment(batch_size=10, flush_interval_seconds=60)
for step in range(30):
    reporter.log_metric("loss", 0.1, step)
reporter.flush(timeout=30)
for step in range(30, 60):
    reporter.log_metric("loss", 0.1, step)
reporter.set_results({"test_accuracy": 0.9})
print(json.dumps({"closed": reporter.close(timeout=30), "enabled": reporter.enabled}))
`

  const result = await startPython(t.teardown, code, platformVariables(api.url)).finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  t.same(lastJsonLine(result.stdout), { closed: false, enabled: false })
  t.equal(api.requests.length, 1, 'nothing is sent after a 401')
  t.match(result.stderr, /reporting stopped for the rest of the run: .*status 401/)
  t.notMatch(result.stderr, TOKEN)
})

t.test('reporter does not follow redirects', async (t) => {
  const api = await startFakeReportApi({
    runId: RUN_ID,
    token: TOKEN,
    respond: () => 307,
  })
  t.teardown(api.close)
  const code = `
import json
from trainplane_reporter import Reporter
reporter = Reporter.from_environment()
reporter.log_metric("loss", 0.1, 1)
print(json.dumps({"closed": reporter.close(timeout=30)}))
`

  const result = await startPython(t.teardown, code, platformVariables(api.url)).finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  t.same(lastJsonLine(result.stdout), { closed: false })
  t.equal(api.requests.length, 1, 'the token goes to the configured address only')
})

t.test('reporter drops invalid points locally', async (t) => {
  const api = await startFakeReportApi({ runId: RUN_ID, token: TOKEN })
  t.teardown(api.close)
  const code = `
import json
from trainplane_reporter import Reporter
reporter = Reporter.from_environment()
reporter.log_metric("loss", float("nan"), 1)
reporter.log_metric("loss", float("inf"), 2)
reporter.log_metric("bad name!", 0.1, 3)
reporter.log_metric("loss", 0.1, -1)
reporter.log_metric("loss", 0.1, 1.5)
reporter.log_metric("loss", "0.1", 4)
reporter.log_metric("loss", True, 5)
reporter.log_metric("loss", 0.1, 10**12)
reporter.log_metric("loss", 7, 6)
reporter.set_results({"not_finite": float("nan")})
print(json.dumps({"dropped": reporter.dropped_points, "closed": reporter.close(timeout=30)}))
`

  const result = await startPython(t.teardown, code, platformVariables(api.url)).finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  t.same(lastJsonLine(result.stdout), { dropped: 8, closed: false })
  t.same(
    api.acceptedPoints().map(({ name, step, value }) => ({ name, step, value })),
    [{ name: 'loss', step: 6, value: 7 }],
  )
  t.equal(api.acceptedResults(), undefined, 'results with NaN are not sent')
  t.match(result.stderr, /value nan is not finite/)
  t.match(result.stderr, /name 'bad name!' is invalid/)
  t.match(result.stderr, /step -1 is outside 0 to 999999999999/)
  t.match(result.stderr, /step 1\.5 is not an integer/)
  t.match(result.stderr, /value '0\.1' is not a number/)
  t.match(result.stderr, /results dropped: they are not a JSON object/)
})

t.test('reporter is a no-op off rank 0 and off the platform', async (t) => {
  const api = await startFakeReportApi({ runId: RUN_ID, token: TOKEN })
  t.teardown(api.close)
  const code = `
import json, os
from trainplane_reporter import Reporter
other_rank = Reporter.from_environment(rank=1)
other_rank.log_metric("loss", 0.1, 1)
other_rank.set_results({"a": 1})
env_rank = Reporter.from_environment(environ={**os.environ, "RANK": "3"})
outside = Reporter.from_environment(environ={"RANK": "0"})
outside.log_metric("loss", 0.1, 1)
print(json.dumps({
    "other_rank": [other_rank.enabled, other_rank.close()],
    "env_rank": env_rank.enabled,
    "outside": [outside.enabled, outside.close()],
}))
`

  const result = await startPython(t.teardown, code, platformVariables(api.url)).finished

  t.equal(result.code, 0, 'exits 0', { stderr: result.stderr })
  t.same(lastJsonLine(result.stdout), {
    other_rank: [false, true],
    env_rank: false,
    outside: [false, true],
  })
  t.equal(api.requests.length, 0, 'nothing is sent')
  t.match(
    result.stderr,
    /not reported because RUN_ID, RUN_REPORT_URL and RUN_TOKEN are not set/,
    'outside the platform a warning names the missing variables',
  )
})
