import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns'
import type { RunRecord } from '../repositories/run-record.js'

/** Sends the one notification a run gets when it ends. */
export interface RunNotifier {
  notifyRunEnded(run: RunRecord): Promise<void>
}

/** SNS subjects must be ASCII, without line breaks, and under 100 characters (SNS Publish). */
const MAX_SUBJECT_LENGTH = 99

/** Builds the subject and message that say which run, whose, how it ended and why. */
export function describeRunEnd(run: RunRecord): { subject: string; message: string } {
  const label = run.spec.name ? `${run.spec.name} (${run.runId})` : run.runId
  const subject = `Run ${run.status.toLowerCase()}: ${label}`
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, MAX_SUBJECT_LENGTH)

  const lines = [
    `Run ${run.runId}${run.spec.name ? ` (${run.spec.name})` : ''} ended with status ${run.status}.`,
    `Owner: ${run.userEmail ?? run.userId}`,
    `Queue: ${run.spec.queue}, ${run.spec.nodes} node(s) x ${run.spec.gpusPerNode} GPU(s)`,
    `Reason: ${run.endReason ?? 'UNKNOWN'}${run.endDetail ? ` - ${run.endDetail}` : ''}`,
    ...(run.exitCode !== undefined ? [`Exit code: ${run.exitCode}`] : []),
    ...(run.jobId ? [`Batch job: ${run.jobId}`] : []),
    `Submitted: ${run.createdAt}`,
    ...(run.endedAt ? [`Ended: ${run.endedAt}`] : []),
  ]
  return { subject, message: lines.join('\n') }
}

/** Publishes run endings to one SNS topic. */
export class SnsRunNotifier implements RunNotifier {
  readonly #sns: SNSClient
  readonly #topicArn: string

  constructor(sns: SNSClient, topicArn: string) {
    this.#sns = sns
    this.#topicArn = topicArn
  }

  async notifyRunEnded(run: RunRecord): Promise<void> {
    const { subject, message } = describeRunEnd(run)
    await this.#sns.send(
      new PublishCommand({
        TopicArn: this.#topicArn,
        Subject: subject,
        Message: message,
        MessageAttributes: {
          runId: { DataType: 'String', StringValue: run.runId },
          status: { DataType: 'String', StringValue: run.status },
        },
      }),
    )
  }
}
