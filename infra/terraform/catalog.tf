# The queue catalog the API and the worker read (QueueCatalogSchema in @trainplane/shared),
# rendered from the queues and the Batch names created for them. Its keys are the schema's;
# test/queue-catalog.test.ts checks them and validates the example's rendering.
locals {
  queue_catalog = {
    queues = [
      for queue in var.queues : merge(
        {
          name                 = queue.name
          jobQueue             = module.batch.job_queue_names[queue.name]
          jobDefinition        = module.batch.job_definition_names[queue.name]
          maxNodes             = queue.max_nodes
          gpusPerNode          = queue.gpus_per_node
          vcpusPerNode         = queue.vcpus_per_node
          memoryMiBPerNode     = queue.memory_mib_per_node
          sharedMemoryMiB      = queue.shared_memory_mib
          spot                 = queue.spot
          fairShare            = queue.fair_share
          maxRunnableSeconds   = queue.max_runnable_seconds
          maxTimeoutSeconds    = queue.max_timeout_seconds
          pricePerGpuHour      = queue.price_per_gpu_hour
          allowedImagePrefixes = length(queue.allowed_image_prefixes) > 0 ? queue.allowed_image_prefixes : module.batch.trainer_image_prefixes
        },
        queue.description == null ? {} : { description = queue.description },
      )
    ]
  }

  queue_catalog_json = jsonencode(local.queue_catalog)
}
