import type { RunSpec } from '../run/run-spec.js'
import type { SpecProblem } from '../run/spec-limits.js'
import type { Queue } from './queue-catalog.js'

/**
 * Checks a run specification against the queue it names. Returns every problem found.
 */
export function validateRunForQueue(spec: RunSpec, queue: Queue): SpecProblem[] {
  const problems: SpecProblem[] = []

  if (spec.nodes > queue.maxNodes) {
    problems.push({
      field: '/nodes',
      message: `queue ${queue.name} allows at most ${queue.maxNodes} nodes; ${spec.nodes} requested`,
    })
  }

  if (spec.gpusPerNode > queue.gpusPerNode) {
    problems.push({
      field: '/gpusPerNode',
      message: `queue ${queue.name} has ${queue.gpusPerNode} GPUs per node; ${spec.gpusPerNode} requested`,
    })
  }

  if (spec.timeoutSeconds > queue.maxTimeoutSeconds) {
    problems.push({
      field: '/timeoutSeconds',
      message: `queue ${queue.name} allows a timeout of at most ${queue.maxTimeoutSeconds} s; ${spec.timeoutSeconds} requested`,
    })
  }

  const allowed = queue.allowedImagePrefixes.some((prefix) => spec.image.startsWith(prefix))
  if (!allowed) {
    problems.push({
      field: '/image',
      message: `image ${spec.image} is not allowed on queue ${queue.name}; use an image under ${queue.allowedImagePrefixes.join(', ')}`,
    })
  }

  return problems
}
