variable "name" {
  description = "Prefix of every resource name in the module."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the services and the internal ALB."
  type        = string
}

variable "vpc_cidr_block" {
  description = "IPv4 range of the VPC; the API trusts X-Forwarded-For from it (TRUSTED_PROXIES), where the ALB and the VPC link sit."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the tasks, the internal ALB and the VPC link, in at least two Availability Zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids needs subnets in at least two Availability Zones for the ALB."
  }
}

variable "batch_node_security_group_id" {
  description = "Security group of the Batch training nodes, which may reach the internal ALB to report metrics and results with their run token."
  type        = string
}

variable "table_prefix" {
  description = "The apps' TABLE_PREFIX."
  type        = string
}

variable "table_arns" {
  description = "Table ARNs by table (users, activity, runs, results)."
  type        = map(string)
}

variable "cognito_issuer" {
  description = "Issuer of the user pool's tokens; the API's COGNITO_ISSUER and the JWT authorizer's issuer."
  type        = string
}

variable "cognito_client_ids" {
  description = "App clients whose access tokens the API Gateway authorizer and the API accept."
  type        = list(string)
}

variable "admin_group" {
  description = "Cognito group of administrators; the API's ADMIN_GROUP."
  type        = string
}

variable "queue_catalog_json" {
  description = "The queue catalog as JSON, in the format of QueueCatalogSchema; written to a file in each task before the app starts."
  type        = string
}

variable "secret_arns" {
  description = "Secrets Manager ARNs of the signing keys: run_token_key and cursor_signing_key."
  type = object({
    run_token_key      = string
    cursor_signing_key = string
  })
}

variable "sns_topic_arn" {
  description = "Topic of run notifications; the worker's SNS_TOPIC_ARN."
  type        = string
}

variable "batch_job_queue_arns" {
  description = "Job queues the worker submits to."
  type        = list(string)
}

variable "batch_job_definition_arns" {
  description = "Job definition ARNs, with and without revision, that the worker submits."
  type        = list(string)
}

variable "batch_job_arn_pattern" {
  description = "ARN pattern of Batch jobs, which the worker cancels and terminates."
  type        = string
}

variable "batch_log_group_name" {
  description = "Log group the training jobs write to, which the API reads node logs from."
  type        = string
}

variable "batch_log_group_arn" {
  description = "ARN of the training jobs' log group; the API may read its streams only."
  type        = string
}

variable "api" {
  description = "The API service: image tag, port, task size, scaling and request limits. The ALB checks health_check_path, the API's liveness probe. Checking readiness (/readyz) instead would take every task out whenever DynamoDB or the Cognito JWKS is briefly unreachable."
  type = object({
    image_tag             = optional(string, "latest")
    port                  = optional(number, 8080)
    cpu                   = optional(number, 512)
    memory                = optional(number, 1024)
    min_count             = optional(number, 2)
    max_count             = optional(number, 6)
    cpu_target_percent    = optional(number, 60)
    requests_per_target   = optional(number, 1000)
    rate_limit_per_minute = optional(number, 300)
    health_check_path     = optional(string, "/healthz")
  })
  default = {}

  validation {
    condition     = var.api.port >= 1024 && var.api.port <= 65535
    error_message = "api.port must be from 1024 to 65535."
  }

  validation {
    # Fargate task sizes (ECS developer guide, "Task CPU and memory").
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.api.cpu) && var.api.memory >= 512 && var.api.memory <= 122880
    error_message = "api.cpu must be a Fargate CPU value (256 to 16384) and api.memory from 512 to 122880 MiB."
  }

  validation {
    condition     = var.api.min_count >= 1 && var.api.max_count >= var.api.min_count && var.api.cpu_target_percent > 0 && var.api.cpu_target_percent <= 100 && var.api.requests_per_target >= 1
    error_message = "api needs 1 <= min_count <= max_count, cpu_target_percent from 1 to 100, and requests_per_target of at least 1."
  }

  validation {
    condition     = startswith(var.api.health_check_path, "/")
    error_message = "api.health_check_path must start with /."
  }
}

variable "worker" {
  description = "The worker service: image tag, task size, replicas and loop settings."
  type = object({
    image_tag              = optional(string, "latest")
    cpu                    = optional(number, 512)
    memory                 = optional(number, 1024)
    min_count              = optional(number, 1)
    max_count              = optional(number, 3)
    cpu_target_percent     = optional(number, 70)
    poll_interval_ms       = optional(number, 5000)
    lease_seconds          = optional(number, 60)
    submit_rate_per_second = optional(number, 40)
  })
  default = {}

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.worker.cpu) && var.worker.memory >= 512 && var.worker.memory <= 122880
    error_message = "worker.cpu must be a Fargate CPU value (256 to 16384) and worker.memory from 512 to 122880 MiB."
  }

  validation {
    condition     = var.worker.min_count >= 1 && var.worker.max_count >= var.worker.min_count && var.worker.cpu_target_percent > 0 && var.worker.cpu_target_percent <= 100
    error_message = "worker needs 1 <= min_count <= max_count and cpu_target_percent from 1 to 100."
  }

  validation {
    # Batch accepts 50 SubmitJob calls a second per account (Batch service quotas); the budget
    # is shared by every replica.
    condition     = var.worker.submit_rate_per_second >= 1 && var.worker.submit_rate_per_second <= 50
    error_message = "worker.submit_rate_per_second must be from 1 to 50, Batch's SubmitJob quota."
  }

  validation {
    condition     = var.worker.poll_interval_ms >= 100 && var.worker.poll_interval_ms <= 600000 && var.worker.lease_seconds >= 10 && var.worker.lease_seconds <= 3600
    error_message = "worker.poll_interval_ms must be from 100 to 600000 and worker.lease_seconds from 10 to 3600."
  }
}

variable "public_routes" {
  description = "Routes API Gateway exposes, each behind the Cognito JWT authorizer, as \"METHOD /path\" route keys. The run-token reporting routes are left out on purpose: training nodes reach them through the internal ALB."
  type        = list(string)
  nullable    = false
  default = [
    "GET /v1/queues",
    "GET /v1/runs",
    "POST /v1/runs",
    "GET /v1/runs/{id}",
    "POST /v1/runs/{id}/cancel",
    "GET /v1/runs/{id}/{proxy+}",
    "GET /v1/me",
    "GET /v1/activity",
  ]

  validation {
    condition     = length(var.public_routes) > 0 && alltrue([for route in var.public_routes : can(regex("^(GET|POST|PUT|PATCH|DELETE|ANY) /", route))])
    error_message = "public_routes must be route keys such as \"GET /v1/runs\"."
  }
}

variable "throttling" {
  description = "API Gateway's limits for the whole stage: steady requests per second and burst."
  type = object({
    rate_limit  = optional(number, 50)
    burst_limit = optional(number, 100)
  })
  default = {}

  validation {
    condition     = var.throttling.rate_limit > 0 && var.throttling.burst_limit > 0
    error_message = "throttling.rate_limit and throttling.burst_limit must be positive."
  }
}

variable "cors_origins" {
  description = "Browser origins allowed to call the API, such as a web application's https origin; the API's CORS_ORIGINS."
  type        = list(string)
  default     = []
}

variable "log_level" {
  description = "The services' LOG_LEVEL: fatal, error, warn, info, debug, trace or silent."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["fatal", "error", "warn", "info", "debug", "trace", "silent"], var.log_level)
    error_message = "log_level must be fatal, error, warn, info, debug, trace or silent."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the services' and the access logs."
  type        = number
  default     = 30

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
