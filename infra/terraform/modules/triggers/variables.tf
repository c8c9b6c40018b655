variable "name" {
  description = "Prefix of every resource name in the module; the functions are <name>-batch-events and <name>-post-confirmation."
  type        = string
}

variable "table_prefix" {
  description = "The functions' TABLE_PREFIX."
  type        = string
}

variable "table_arns" {
  description = "Table ARNs by table (users, activity, runs, results), for the functions' permissions."
  type        = map(string)
}

variable "batch_job_queue_arns" {
  description = "Job queues whose \"Batch Job State Change\" events reach the batch-events function."
  type        = list(string)

  validation {
    condition     = length(var.batch_job_queue_arns) > 0
    error_message = "batch_job_queue_arns needs at least one queue."
  }
}

variable "bundles_dir" {
  description = "Folder of the esbuild bundles batch-events.zip and post-confirmation.zip, which `npm run build -w @trainplane/triggers` writes to apps/triggers/dist-bundles."
  type        = string
}

variable "notification_email" {
  description = "Email address subscribed to run notifications, or null for none. AWS sends a confirmation message first."
  type        = string
  default     = null

  validation {
    condition     = var.notification_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.notification_email))
    error_message = "notification_email must be an email address or null."
  }
}

variable "memory_size" {
  description = "Memory of each function in MiB."
  type        = number
  default     = 256

  validation {
    # Lambda allows 128 MiB to 10,240 MiB (Lambda developer guide, "Configuring memory").
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be from 128 to 10240."
  }
}

variable "log_level" {
  description = "The functions' LOG_LEVEL: fatal, error, warn, info, debug, trace or silent."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["fatal", "error", "warn", "info", "debug", "trace", "silent"], var.log_level)
    error_message = "log_level must be fatal, error, warn, info, debug, trace or silent."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the functions' logs."
  type        = number
  default     = 30

  validation {
    # The values PutRetentionPolicy accepts (CloudWatch Logs API reference).
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the CloudWatch Logs retention values, such as 30, 90 or 365."
  }
}

variable "dead_letter_retention_seconds" {
  description = "How long the dead-letter queue keeps events that batch-events could not process."
  type        = number
  default     = 1209600

  validation {
    # SQS keeps messages 60 seconds to 14 days (SQS developer guide, quotas).
    condition     = var.dead_letter_retention_seconds >= 60 && var.dead_letter_retention_seconds <= 1209600
    error_message = "dead_letter_retention_seconds must be from 60 to 1209600."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
