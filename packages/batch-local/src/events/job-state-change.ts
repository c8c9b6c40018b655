import { randomUUID } from 'node:crypto'
import type { JobDetail } from '@aws-sdk/client-batch'
import type { ArnScope } from '../model/arns.js'

/** EventBridge envelope of a "Batch Job State Change" event, whose `detail` is a DescribeJobs job. */
export interface JobStateChangeEvent {
  version: '0'
  id: string
  'detail-type': 'Batch Job State Change'
  source: 'aws.batch'
  account: string
  time: string
  region: string
  resources: string[]
  detail: JobDetail
}

/** Receiver of job and node state changes. Batch sends no event for the initial SUBMITTED status. */
export interface JobEventSink {
  jobChanged(detail: JobDetail): void
  nodeChanged(detail: JobDetail): void
}

export function toJobStateChangeEvent(scope: ArnScope, detail: JobDetail): JobStateChangeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Batch Job State Change',
    source: 'aws.batch',
    account: scope.accountId,
    // EventBridge writes `time` in whole seconds, such as 2022-01-11T23:36:40Z.
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: scope.region,
    resources: detail.jobArn === undefined ? [] : [detail.jobArn],
    detail,
  }
}

/** A sink for when no event endpoint is configured. */
export const discardEvents: JobEventSink = {
  jobChanged() {},
  nodeChanged() {},
}
