import {
  checkSpecLimits,
  findQueue,
  type Queue,
  type QueueCatalog,
  type RunSpec,
  validateRunForQueue,
} from '@trainplane/shared'
import {
  QueueNotFoundError,
  RunNotAllowedOnQueueError,
  RunSpecInvalidError,
  withProblems,
} from '../errors.js'

/**
 * Checks a schema-valid run specification against the limits no schema can express and against
 * the queue it names. Each check reports every problem it finds, so a client can fix them at
 * once.
 *
 * @throws RunSpecInvalidError, QueueNotFoundError or RunNotAllowedOnQueueError, naming the field
 */
export function checkSubmission(spec: RunSpec, catalog: QueueCatalog): Queue {
  const limitProblems = checkSpecLimits(spec)
  const [firstLimit] = limitProblems
  if (firstLimit) {
    throw withProblems(new RunSpecInvalidError(firstLimit.message), limitProblems)
  }

  const queue = findQueue(catalog, spec.queue)
  if (!queue) {
    throw withProblems(new QueueNotFoundError(JSON.stringify(spec.queue)), [
      { field: '/queue', message: 'is not a queue of the catalog; see GET /v1/queues' },
    ])
  }

  const queueProblems = validateRunForQueue(spec, queue)
  const [firstQueueProblem] = queueProblems
  if (firstQueueProblem) {
    throw withProblems(new RunNotAllowedOnQueueError(firstQueueProblem.message), queueProblems)
  }

  return queue
}
