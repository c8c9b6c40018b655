variable "name" {
  description = "Prefix of every resource name in the module, and of the job queue and job definition names."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the compute environments."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the instances, in Availability Zone order. The on-demand environment uses only the first, because a cluster placement group lives in one zone; the Spot environment uses all."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids needs at least one subnet."
  }
}

variable "queues" {
  description = "Job queues users pick, each with its limits and price; rendered into the apps' queue catalog. A Spot queue runs single-node container jobs, every other queue multi-node parallel jobs."
  type = list(object({
    name                   = string
    description            = optional(string)
    spot                   = optional(bool, false)
    priority               = optional(number, 1)
    max_nodes              = number
    gpus_per_node          = number
    vcpus_per_node         = number
    memory_mib_per_node    = number
    shared_memory_mib      = optional(number, 16384)
    fair_share             = optional(bool, true)
    max_runnable_seconds   = optional(number, 86400)
    max_timeout_seconds    = optional(number, 604800)
    price_per_gpu_hour     = number
    allowed_image_prefixes = optional(list(string), [])
  }))

  validation {
    condition     = length(var.queues) > 0 && length(distinct([for q in var.queues : q.name])) == length(var.queues)
    error_message = "queues needs at least one queue, and queue names must be unique."
  }

  validation {
    # Job queue names are up to 128 letters, digits, '-' and '_' (Batch API reference,
    # CreateJobQueue); the queue name is appended to the deployment name.
    condition     = alltrue([for q in var.queues : can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$", q.name))])
    error_message = "Each queue name must start with a letter or digit and have at most 100 letters, digits, '-' or '_'."
  }

  validation {
    # A multi-node parallel job has at most 1,000 nodes (Batch user guide, "Multi-node parallel
    # jobs"); the platform's run spec has the same limit.
    condition     = alltrue([for q in var.queues : q.max_nodes >= 1 && q.max_nodes <= 1000 && floor(q.max_nodes) == q.max_nodes])
    error_message = "Each queue's max_nodes must be a whole number from 1 to 1000."
  }

  validation {
    # Multi-node parallel jobs are not supported on Spot compute environments (Batch user
    # guide, "Compute environment considerations for MNP").
    condition     = alltrue([for q in var.queues : !q.spot || q.max_nodes == 1])
    error_message = "A Spot queue must have max_nodes = 1: Batch cannot run multi-node parallel jobs on Spot."
  }

  validation {
    # attemptDurationSeconds is at least 60 seconds (Batch API reference, JobTimeout); the run
    # spec allows at most 14 days.
    condition     = alltrue([for q in var.queues : q.max_timeout_seconds >= 60 && q.max_timeout_seconds <= 1209600 && q.max_runnable_seconds >= 60])
    error_message = "Each queue's max_timeout_seconds must be from 60 to 1209600, and max_runnable_seconds at least 60."
  }

  validation {
    condition     = alltrue([for q in var.queues : q.gpus_per_node >= 0 && q.gpus_per_node <= 16 && q.vcpus_per_node >= 1 && q.memory_mib_per_node >= 128])
    error_message = "Each queue needs gpus_per_node from 0 to 16, vcpus_per_node at least 1 and memory_mib_per_node at least 128."
  }

  validation {
    # Docker's default /dev/shm is 64 MiB; the segment lives in the container's memory.
    condition     = alltrue([for q in var.queues : q.shared_memory_mib >= 64 && q.shared_memory_mib < q.memory_mib_per_node])
    error_message = "Each queue's shared_memory_mib must be at least 64 and less than memory_mib_per_node."
  }

  validation {
    condition     = alltrue([for q in var.queues : q.price_per_gpu_hour >= 0 && alltrue([for prefix in q.allowed_image_prefixes : length(prefix) > 0])])
    error_message = "price_per_gpu_hour must not be negative, and allowed_image_prefixes must not contain empty strings."
  }

  validation {
    # Job queue priority is 0 to 1000 (Batch API reference, CreateJobQueue).
    condition     = alltrue([for q in var.queues : q.priority >= 0 && q.priority <= 1000])
    error_message = "Each queue's priority must be from 0 to 1000."
  }
}

variable "on_demand" {
  description = "The on-demand GPU compute environment that runs multi-node parallel jobs: instance types and the most vCPUs it may run at once."
  type = object({
    instance_types = optional(list(string), ["p4d.24xlarge"])
    max_vcpus      = optional(number, 384)
  })
  default = {}

  validation {
    condition     = length(var.on_demand.instance_types) > 0 && var.on_demand.max_vcpus >= 1
    error_message = "on_demand needs at least one instance type and max_vcpus of at least 1."
  }
}

variable "spot" {
  description = "The optional Spot compute environment for single-node jobs of Spot queues."
  type = object({
    enabled        = optional(bool, false)
    instance_types = optional(list(string), ["g5.12xlarge"])
    max_vcpus      = optional(number, 192)
  })
  default = {}

  validation {
    condition     = length(var.spot.instance_types) > 0 && var.spot.max_vcpus >= 1
    error_message = "spot needs at least one instance type and max_vcpus of at least 1."
  }
}

variable "image_type" {
  description = "Batch AMI type of the GPU instances, such as ECS_AL2_NVIDIA or ECS_AL2023_NVIDIA."
  type        = string
  default     = "ECS_AL2_NVIDIA"
}

variable "enable_efa" {
  description = "Whether on-demand instances get an Elastic Fabric Adapter and jobs the /dev/infiniband/uverbs0 device. The instance types must support EFA."
  type        = bool
  default     = false
}

variable "fair_share" {
  description = "The fair-share scheduling policy of fair-share queues: how long past usage counts (share_decay_seconds), the share of capacity kept for identifiers not yet active (compute_reservation, percent), and weight factors by share identifier (lower weight, larger share)."
  type = object({
    share_decay_seconds = optional(number, 3600)
    compute_reservation = optional(number, 0)
    share_weights       = optional(map(number), {})
  })
  default = {}

  validation {
    # Limits from the Batch API reference, FairsharePolicy and ShareAttributes.
    condition = (
      var.fair_share.share_decay_seconds >= 0 && var.fair_share.share_decay_seconds <= 604800 &&
      var.fair_share.compute_reservation >= 0 && var.fair_share.compute_reservation <= 99 &&
      length(var.fair_share.share_weights) <= 500 &&
      alltrue([for weight in values(var.fair_share.share_weights) : weight >= 0.0001 && weight <= 999.9999])
    )
    error_message = "fair_share needs share_decay_seconds 0 to 604800, compute_reservation 0 to 99, and at most 500 share weights from 0.0001 to 999.9999."
  }
}

variable "trainer_image_tag" {
  description = "Tag of the trainer image in the trainer repository that the job definitions run."
  type        = string
  default     = "latest"
}

variable "job_role_policy_arns" {
  description = "Managed policies attached to the training jobs' role, such as read access to a data bucket. By default jobs get no AWS permissions: they report through the API with their run token."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the training jobs' logs."
  type        = number
  default     = 90

  validation {
    # The values PutRetentionPolicy accepts (CloudWatch Logs API reference).
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the CloudWatch Logs retention values, such as 30, 90 or 365."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
