import type { Queue, QueueCatalog, RunRecord, RunSpec } from '@trainplane/shared'

/** A valid run id, fixed so requests built from it can be pinned. */
export const FIXED_RUN_ID = 'run-01j5x3k8q2m4n6p8r0t2v4w6y8'

export const GPU_QUEUE: Queue = {
  name: 'gpu-a100',
  description: 'A100 nodes, on-demand',
  jobQueue: 'trainplane-gpu-a100',
  jobDefinition: 'trainplane-mnp',
  maxNodes: 8,
  gpusPerNode: 8,
  vcpusPerNode: 92,
  memoryMiBPerNode: 1_100_000,
  sharedMemoryMiB: 65_536,
  spot: false,
  fairShare: true,
  maxRunnableSeconds: 3600,
  maxTimeoutSeconds: 7 * 24 * 3600,
  pricePerGpuHour: 4.1,
  allowedImagePrefixes: ['123456789012.dkr.ecr.us-east-1.amazonaws.com/'],
}

export const SPOT_QUEUE: Queue = {
  name: 'gpu-spot',
  jobQueue: 'trainplane-gpu-spot',
  jobDefinition: 'trainplane-single:3',
  maxNodes: 1,
  gpusPerNode: 1,
  vcpusPerNode: 4,
  memoryMiBPerNode: 15_000,
  sharedMemoryMiB: 4096,
  spot: true,
  fairShare: false,
  maxRunnableSeconds: 1800,
  maxTimeoutSeconds: 86_400,
  pricePerGpuHour: 0.5,
  allowedImagePrefixes: ['public.ecr.aws/trainplane/'],
}

export const CATALOG: QueueCatalog = { queues: [GPU_QUEUE, SPOT_QUEUE] }

/** Returns a stored run as the API writes it, claimed by a worker. */
export function runRecord(spec: RunSpec, overrides: Partial<RunRecord> = {}): RunRecord {
  const createdAt = '2025-01-02T03:04:05.000Z'
  return {
    runId: FIXED_RUN_ID,
    userId: 'f3b0c9d2-1111-4a7e-9c1d-2b3c4d5e6f70',
    spec,
    status: 'SUBMITTING',
    attempt: 0,
    rank: 1,
    createdAt,
    updatedAt: createdAt,
    createdKey: `${createdAt}#${FIXED_RUN_ID}`,
    listPartition: 'runs',
    history: [{ status: 'QUEUED', attempt: 0, at: createdAt }],
    ...overrides,
  }
}
