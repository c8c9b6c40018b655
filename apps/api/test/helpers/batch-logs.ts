import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BatchClient,
  CreateJobQueueCommand,
  DescribeJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
} from '@aws-sdk/client-batch'
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import { startBatchLocal } from '@trainplane/batch-local'
import { pino } from 'pino'

const LOCAL_CLIENT_OPTIONS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
}

/** Lines node N of a job started by `runTwoNodeJob` prints: `node N line 1` and so on. */
export function expectedLines(node: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `node ${node} line ${index + 1}`)
}

export interface FinishedJob {
  jobId: string
  /** Log stream name per node index. */
  streams: Record<string, string>
  /** A CloudWatch Logs client for batch-local, which the test owns. */
  logs: CloudWatchLogsClient
  endpoint: string
}

/**
 * Starts batch-local on 127.0.0.1, runs a 2-node job whose nodes each print `linesPerNode`
 * known lines, waits for it to succeed and returns each node's log stream. Everything it
 * starts is stopped at teardown.
 */
export async function runTwoNodeJob(
  t: { teardown(fn: () => unknown): void },
  linesPerNode: number,
): Promise<FinishedJob> {
  const batchLocal = await startBatchLocal({ stepDelayMs: 20, logger: pino({ level: 'silent' }) })
  const batch = new BatchClient({ ...LOCAL_CLIENT_OPTIONS, endpoint: batchLocal.endpoint })
  const logs = new CloudWatchLogsClient({ ...LOCAL_CLIENT_OPTIONS, endpoint: batchLocal.endpoint })
  t.teardown(async () => {
    batch.destroy()
    logs.destroy()
    await batchLocal.close()
  })

  const markerDir = mkdtempSync(join(tmpdir(), 'trainplane-nodes-'))
  t.teardown(() => rmSync(markerDir, { recursive: true, force: true }))
  const script = `const n = process.env.AWS_BATCH_JOB_NODE_INDEX
for (let i = 1; i <= ${linesPerNode}; i++) console.log('node ' + n + ' line ' + i)
// Batch stops the other nodes once the main node exits, so node 0 waits for node 1's marker.
const fs = require('node:fs')
const marker = ${JSON.stringify(join(markerDir, 'node-1-done'))}
if (process.env.AWS_BATCH_JOB_NODE_INDEX === '1') fs.writeFileSync(marker, '')
const deadline = Date.now() + 30000
while (process.env.AWS_BATCH_JOB_NODE_INDEX === '0' && !fs.existsSync(marker) && Date.now() < deadline) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
}`
  await batch.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: 'log-lines',
      type: 'multinode',
      nodeProperties: {
        numNodes: 2,
        mainNode: 0,
        nodeRangeProperties: [
          {
            targetNodes: '0:',
            container: {
              image: 'local/trainer:1',
              command: [process.execPath, '-e', script],
              resourceRequirements: [
                { type: 'VCPU', value: '1' },
                { type: 'MEMORY', value: '512' },
              ],
            },
          },
        ],
      },
    }),
  )
  await batch.send(
    new CreateJobQueueCommand({
      jobQueueName: 'log-lines',
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'local' }],
    }),
  )
  const { jobId } = await batch.send(
    new SubmitJobCommand({
      jobName: 'log-lines',
      jobQueue: 'log-lines',
      jobDefinition: 'log-lines',
    }),
  )
  if (!jobId) throw new Error('SubmitJob returned no job id')

  const nodeIds = [`${jobId}#0`, `${jobId}#1`]
  for (let poll = 0; poll < 600; poll++) {
    const { jobs = [] } = await batch.send(new DescribeJobsCommand({ jobs: [jobId, ...nodeIds] }))
    const job = jobs.find((item) => item.jobId === jobId)
    if (job?.status === 'FAILED') throw new Error(`the job failed: ${job.statusReason}`)
    if (job?.status === 'SUCCEEDED') {
      const streams: Record<string, string> = {}
      nodeIds.forEach((id, index) => {
        const name = jobs.find((item) => item.jobId === id)?.container?.logStreamName
        if (name) streams[String(index)] = name
      })
      return { jobId, streams, logs, endpoint: batchLocal.endpoint }
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('the job did not succeed within 30 s')
}
