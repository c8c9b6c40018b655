import { parse } from '@cdktf/hcl2json'

/** A queue as terraform.tfvars sets it, with the defaults of the root `queues` variable. */
interface TerraformQueue {
  name: string
  description?: string
  spot: boolean
  max_nodes: number
  gpus_per_node: number
  vcpus_per_node: number
  memory_mib_per_node: number
  shared_memory_mib: number
  fair_share: boolean
  max_runnable_seconds: number
  max_timeout_seconds: number
  price_per_gpu_hour: number
  allowed_image_prefixes: string[]
}

/** Defaults of the optional queue attributes, as variables.tf declares them. */
const QUEUE_DEFAULTS = {
  spot: false,
  shared_memory_mib: 16384,
  fair_share: true,
  max_runnable_seconds: 86400,
  max_timeout_seconds: 604800,
  allowed_image_prefixes: [] as string[],
}

/** Reads the attributes of a `.tfvars` file with HashiCorp's HCL parser. */
export async function readTfvars(path: string, text: string): Promise<Record<string, unknown>> {
  return parse(path, text)
}

/**
 * Renders the queue catalog from tfvars values as catalog.tf does, with the Batch names the
 * batch module gives (`<name>-<queue>`) and the trainer repository as the default image prefix.
 */
export function renderQueueCatalog(
  deploymentName: string,
  queues: unknown[],
  trainerRepositoryUrl: string,
): unknown {
  return {
    queues: queues.map((value) => {
      const queue = { ...QUEUE_DEFAULTS, ...(value as Partial<TerraformQueue>) } as TerraformQueue
      return {
        name: queue.name,
        jobQueue: `${deploymentName}-${queue.name}`,
        jobDefinition: `${deploymentName}-${queue.name}`,
        maxNodes: queue.max_nodes,
        gpusPerNode: queue.gpus_per_node,
        vcpusPerNode: queue.vcpus_per_node,
        memoryMiBPerNode: queue.memory_mib_per_node,
        sharedMemoryMiB: queue.shared_memory_mib,
        spot: queue.spot,
        fairShare: queue.fair_share,
        maxRunnableSeconds: queue.max_runnable_seconds,
        maxTimeoutSeconds: queue.max_timeout_seconds,
        pricePerGpuHour: queue.price_per_gpu_hour,
        allowedImagePrefixes:
          queue.allowed_image_prefixes.length > 0
            ? queue.allowed_image_prefixes
            : [`${trainerRepositoryUrl}:`, `${trainerRepositoryUrl}@`],
        ...(queue.description !== undefined && { description: queue.description }),
      }
    }),
  }
}

/** Object keys written in an HCL expression, such as `jobQueue` in `{ jobQueue = … }`. */
export function objectKeysIn(expression: string): string[] {
  return [...expression.matchAll(/([A-Za-z][A-Za-z0-9]*)\s+=\s/g)].map((match) => match[1] ?? '')
}
