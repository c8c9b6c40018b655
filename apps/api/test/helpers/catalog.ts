import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { QueueCatalog } from '@trainplane/shared'

export const TEST_CATALOG: QueueCatalog = {
  queues: [
    {
      name: 'gpu-small',
      description: 'Up to 4 nodes with 8 GPUs each',
      jobQueue: 'trainplane-gpu-small',
      jobDefinition: 'trainplane-mnp:1',
      maxNodes: 4,
      gpusPerNode: 8,
      vcpusPerNode: 96,
      memoryMiBPerNode: 786_432,
      sharedMemoryMiB: 65_536,
      spot: false,
      fairShare: true,
      maxRunnableSeconds: 3600,
      maxTimeoutSeconds: 86_400,
      pricePerGpuHour: 4.1,
      allowedImagePrefixes: ['123456789012.dkr.ecr.us-east-1.amazonaws.com/trainers/'],
    },
    {
      name: 'cpu-debug',
      jobQueue: 'trainplane-cpu-debug',
      jobDefinition: 'trainplane-mnp-cpu:1',
      maxNodes: 2,
      gpusPerNode: 0,
      vcpusPerNode: 4,
      memoryMiBPerNode: 8192,
      sharedMemoryMiB: 1024,
      spot: false,
      fairShare: false,
      maxRunnableSeconds: 600,
      maxTimeoutSeconds: 3600,
      pricePerGpuHour: 0,
      allowedImagePrefixes: ['public.ecr.aws/trainplane/'],
    },
  ],
}

/** Writes the test catalog to a temporary file, removed at teardown, and returns its path. */
export function writeCatalog(
  t: { teardown(fn: () => unknown): void },
  catalog: unknown = TEST_CATALOG,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainplane-catalog-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'queues.json')
  writeFileSync(path, JSON.stringify(catalog))
  return path
}

/** Returns a specification the test catalog accepts on gpu-small. */
export function validSpec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'resnet50 baseline',
    image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/trainers/resnet:1.0',
    command: ['python', 'train.py', '--epochs', '10'],
    nodes: 2,
    gpusPerNode: 8,
    queue: 'gpu-small',
    timeoutSeconds: 7200,
    hyperparameters: { lr: 0.1, batch_size: 256 },
    environment: { NCCL_DEBUG: 'INFO' },
    tags: { project: 'vision' },
    ...overrides,
  }
}
