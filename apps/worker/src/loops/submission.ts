import {
  SubmitJobCommand,
  type SubmitJobCommandInput,
  TerminateJobCommand,
} from '@aws-sdk/client-batch'
import {
  findQueue,
  isTerminal,
  LeaseLostError,
  mintRunToken,
  PLATFORM_REASON_PREFIX,
  type Queue,
  type RunRecord,
  runTokenExpiry,
} from '@trainplane/shared'
import { isClientException, isThrottling, messageOf } from '../batch/batch-errors.js'
import { jobNameFor } from '../batch/job-name.js'
import { buildSubmitJobRequest } from '../batch/submit-request.js'
import { submitTimeoutMs, type WorkerContext } from '../context.js'
import { SubmissionRejectedError } from '../errors.js'
import { RateLimitTimeoutError } from '../rate-limit/submit-rate-limiter.js'
import { rejectSubmission, releaseRun } from './claimed-run.js'

/** Outcome of one submission attempt for a run. */
export type SubmissionOutcome =
  | 'submitted'
  | 'rejected'
  | 'released'
  | 'throttled'
  | 'unknown'
  | 'lease-lost'

function queueOf(context: WorkerContext, run: RunRecord): Queue {
  const queue = findQueue(context.config.queueCatalog, run.spec.queue)
  if (!queue) {
    throw new SubmissionRejectedError(
      'WORKER_QUEUE_NOT_IN_CATALOG',
      run.runId,
      `queue ${run.spec.queue} is not in the queue catalog any more; submit the run again on a queue from GET /v1/queues`,
    )
  }
  return queue
}

function buildRequest(context: WorkerContext, run: RunRecord): SubmitJobCommandInput {
  const queue = queueOf(context, run)
  const expiresAt = runTokenExpiry({
    submittedAt: context.clock(),
    attempts: run.spec.retryAttempts ?? 1,
    maxRunnableSeconds: queue.maxRunnableSeconds,
    timeoutSeconds: run.spec.timeoutSeconds,
  })
  return buildSubmitJobRequest({
    run,
    queue,
    // Every catalog queue was inspected at start, so a queue found above has a type.
    jobType: context.jobTypes.get(queue.name) ?? 'multinode',
    runToken: mintRunToken(context.config.runTokenKey, run.runId, expiresAt),
    runReportUrl: context.config.runReportUrl,
  })
}

/** Milliseconds left on the run's lease, by the worker's clock. */
function leaseLeft(context: WorkerContext, run: RunRecord): number {
  return (run.leaseExpiresAt ?? 0) - context.clock().getTime()
}

/**
 * Settles a job created after the lease passed to another replica, before the job id was
 * written. The job is kept if the run adopted it. It is stopped if the run has another job or
 * has ended, because a run must never have two.
 */
async function settleLostLease(
  context: WorkerContext,
  run: RunRecord,
  jobId: string,
): Promise<void> {
  const log = context.logger.child({ runId: run.runId, jobId })
  const latest = await context.runs.get(run.runId, { consistent: true })
  if (latest?.jobId === jobId) {
    log.info('job was adopted by the replica that took the lease over')
    return
  }

  if (latest && latest.jobId === undefined && !isTerminal(latest.status)) {
    // NOTE: the replica holding the lease finds this job with ListJobs and adopts it, unless
    // its ListJobs ran before Batch listed the job. That replica then submits a second job, and
    // stops this one after it records its own (see reconcile.ts).
    log.warn({ leaseOwner: latest.leaseOwner }, 'job submitted after the lease was taken over')
    return
  }

  log.warn(
    { recordedJobId: latest?.jobId, status: latest?.status },
    'stopping a job the run does not use',
  )
  await context.batch.send(
    new TerminateJobCommand({
      jobId,
      reason: `${PLATFORM_REASON_PREFIX} duplicate submission of run ${run.runId}`,
    }),
  )
}

/**
 * Waits for the replica's throttling pause and a slot of the account-wide SubmitJob budget.
 * Returns undefined once the run may be submitted, or the outcome of a run given back.
 */
async function waitForSlot(
  context: WorkerContext,
  run: RunRecord,
  timeout: number,
): Promise<SubmissionOutcome | undefined> {
  try {
    await context.backoff.wait(context.signal)
    await context.limiter.acquire({
      deadline: Date.now() + leaseLeft(context, run) - 2 * timeout,
      signal: context.signal,
    })
  } catch (err) {
    if (err instanceof RateLimitTimeoutError) {
      await releaseRun(context, run, 'no SubmitJob slot was free before the lease ran short')
      return 'released'
    }
    if (context.signal.aborted) {
      await releaseRun(context, run, 'worker stopping')
      return 'released'
    }
    throw err
  }
  return undefined
}

/**
 * Sends SubmitJob once. Returns the job id, or the outcome for the run when Batch created no
 * job (throttled, rejected) or may have created one (unknown).
 */
async function sendSubmitJob(
  context: WorkerContext,
  run: RunRecord,
  request: SubmitJobCommandInput,
  timeout: number,
): Promise<{ jobId: string } | { outcome: SubmissionOutcome }> {
  const log = context.logger.child({ runId: run.runId, userId: run.userId })
  try {
    const result = await context.submitBatch.send(new SubmitJobCommand(request), {
      abortSignal: AbortSignal.timeout(timeout),
    })
    if (!result.jobId) {
      throw new Error('SubmitJob returned no job id')
    }
    context.backoff.succeeded()
    return { jobId: result.jobId }
  } catch (err) {
    if (isThrottling(err)) {
      const pauseMs = context.backoff.throttled()
      log.warn({ pauseMs }, 'Batch throttled SubmitJob; the run stays queued')
      await releaseRun(context, run, 'Batch throttled SubmitJob')
      return { outcome: 'throttled' }
    }
    if (isClientException(err)) {
      const rejected = new SubmissionRejectedError(
        'WORKER_SUBMISSION_REJECTED',
        run.runId,
        `Batch rejected the job: ${messageOf(err)}`,
        { cause: err },
      )
      await rejectSubmission(context, run, rejected)
      return { outcome: 'rejected' }
    }
    // A timeout, a server error or a reset connection leaves it unknown whether Batch created
    // the job. The run keeps its lease, and once it expires, reconciliation looks the job up.
    log.warn(
      { err, leaseExpiresAt: run.leaseExpiresAt },
      'SubmitJob outcome unknown; the run will be reconciled when its lease expires',
    )
    return { outcome: 'unknown' }
  }
}

/**
 * Submits a run this worker has claimed (SUBMITTING under its lease) and records the job. It
 * builds the request, takes a slot of the account-wide SubmitJob budget, calls SubmitJob, and
 * writes the job id, which moves the run to SUBMITTED.
 *
 * Exactly once: SubmitJob has no idempotency token, so a job exists for a run only if this
 * step's SubmitJob created it. The call is made only while the lease has time for it to end,
 * and a run whose lease expires without a recorded job is reconciled by name before anything
 * is submitted again. For the same reason the SubmitJob client makes one attempt per call.
 */
export async function submitClaimedRun(
  context: WorkerContext,
  run: RunRecord,
): Promise<SubmissionOutcome> {
  let request: SubmitJobCommandInput
  try {
    request = buildRequest(context, run)
  } catch (err) {
    if (!(err instanceof SubmissionRejectedError)) throw err
    await rejectSubmission(context, run, err)
    return 'rejected'
  }

  const timeout = submitTimeoutMs(context)
  const notReady = await waitForSlot(context, run, timeout)
  if (notReady) {
    return notReady
  }

  await context.faults.at?.('beforeSubmit', run.runId)

  // A stopping worker gives back a claim it has not acted on rather than start a submission.
  if (context.signal.aborted) {
    await releaseRun(context, run, 'worker stopping')
    return 'released'
  }

  // Waits above may have eaten into the lease, so it is checked with nothing awaited between
  // the check and the call: a call that could outlive the lease is not started.
  if (leaseLeft(context, run) < 2 * timeout) {
    await releaseRun(context, run, 'lease ran short before SubmitJob')
    return 'released'
  }

  const sent = await sendSubmitJob(context, run, request, timeout)
  if ('outcome' in sent) {
    return sent.outcome
  }

  await context.faults.at?.('afterSubmit', run.runId)

  const jobName = jobNameFor(run.runId)
  try {
    await context.runs.recordSubmission(
      run.runId,
      context.config.workerId,
      { jobId: sent.jobId, jobName },
      context.clock(),
    )
  } catch (err) {
    if (!(err instanceof LeaseLostError)) throw err
    await settleLostLease(context, run, sent.jobId)
    return 'lease-lost'
  }

  context.logger.info(
    { runId: run.runId, userId: run.userId, jobId: sent.jobId, jobName },
    'run submitted',
  )
  return 'submitted'
}
