import { Type } from 'typebox'

/** A queue as users see it: limits and price, without the Batch resource names behind it. */
export const QueueViewSchema = Type.Object({
  name: Type.String({ description: 'Value for `queue` in a run specification.' }),
  description: Type.Optional(Type.String()),
  maxNodes: Type.Integer(),
  gpusPerNode: Type.Integer(),
  vcpusPerNode: Type.Integer(),
  memoryMiBPerNode: Type.Integer(),
  sharedMemoryMiB: Type.Integer({ description: 'Size of /dev/shm on each node.' }),
  spot: Type.Boolean(),
  fairShare: Type.Boolean(),
  maxRunnableSeconds: Type.Integer({
    description: 'How long a run may wait for capacity before it fails with QUEUE_TIMEOUT.',
  }),
  maxTimeoutSeconds: Type.Integer({ description: 'Largest `timeoutSeconds` allowed.' }),
  pricePerGpuHour: Type.Number({ description: 'USD per GPU-hour.' }),
  allowedImagePrefixes: Type.Array(Type.String()),
})

export const QueueListSchema = Type.Object({ items: Type.Array(QueueViewSchema) })
