variable "name" {
  description = "Name of the deployment: the prefix of every resource and the DynamoDB TABLE_PREFIX, such as trainplane-prod."
  type        = string

  validation {
    # The longest derived names are the ALB's and target group's, "<name>-api", which ELB limits
    # to 32 characters of letters, digits and hyphens (ELB API reference, CreateLoadBalancer).
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the deployment."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be a region name."
  }
}

variable "tags" {
  description = "Tags added to every resource, beside Application and Deployment."
  type        = map(string)
  default     = {}
}

variable "network" {
  description = "The VPC: its IPv4 range, how many Availability Zones, and whether a NAT gateway gives private subnets internet access."
  type = object({
    cidr_block              = optional(string, "10.40.0.0/16")
    availability_zone_count = optional(number, 2)
    enable_nat_gateway      = optional(bool, true)
  })
  default = {}
}

variable "auth" {
  description = "The Cognito user pool: administrators' group, research groups (name => description), MFA, self sign-up, password policy and web client URLs."
  type = object({
    admin_group             = optional(string, "admins")
    research_groups         = optional(map(string), {})
    mfa_configuration       = optional(string, "OPTIONAL")
    allow_self_sign_up      = optional(bool, false)
    password_minimum_length = optional(number, 12)
    web_callback_urls       = optional(list(string), [])
    web_logout_urls         = optional(list(string), [])
  })
  default = {}
}

variable "deletion_protection" {
  description = "Whether the tables and the user pool refuse deletion. Turn off and apply before `terraform destroy`."
  type        = bool
  default     = true
}

variable "queues" {
  description = "Job queues users pick; see modules/batch for each field and its limits. They are rendered into the queue catalog the API and the worker read."
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
}

variable "compute" {
  description = "Batch compute: on-demand GPU instance types and vCPU limit, the optional Spot environment, the AMI type, EFA, and the fair-share policy."
  type = object({
    on_demand_instance_types = optional(list(string), ["p4d.24xlarge"])
    on_demand_max_vcpus      = optional(number, 384)
    spot_enabled             = optional(bool, false)
    spot_instance_types      = optional(list(string), ["g5.12xlarge"])
    spot_max_vcpus           = optional(number, 192)
    image_type               = optional(string, "ECS_AL2_NVIDIA")
    enable_efa               = optional(bool, false)
    share_decay_seconds      = optional(number, 3600)
    compute_reservation      = optional(number, 0)
    share_weights            = optional(map(number), {})
    job_role_policy_arns     = optional(list(string), [])
  })
  default = {}
}

variable "images" {
  description = "Image tags to run from the ECR repositories this configuration creates: api, worker and trainer."
  type = object({
    api     = optional(string, "latest")
    worker  = optional(string, "latest")
    trainer = optional(string, "latest")
  })
  default = {}
}

variable "api" {
  description = "The API service and its gateway: task size and count, CPU and request targets for autoscaling, rate limits, CORS origins and the routes API Gateway exposes (null keeps the module's list)."
  type = object({
    cpu                    = optional(number, 512)
    memory                 = optional(number, 1024)
    min_count              = optional(number, 2)
    max_count              = optional(number, 6)
    cpu_target_percent     = optional(number, 60)
    requests_per_target    = optional(number, 1000)
    rate_limit_per_minute  = optional(number, 300)
    throttling_rate_limit  = optional(number, 50)
    throttling_burst_limit = optional(number, 100)
    cors_origins           = optional(list(string), [])
    public_routes          = optional(list(string))
  })
  default = {}
}

variable "worker" {
  description = "The worker service: task size, replicas, poll interval, lease length and the SubmitJob budget shared by all replicas."
  type = object({
    cpu                    = optional(number, 512)
    memory                 = optional(number, 1024)
    min_count              = optional(number, 1)
    max_count              = optional(number, 3)
    poll_interval_ms       = optional(number, 5000)
    lease_seconds          = optional(number, 60)
    submit_rate_per_second = optional(number, 40)
  })
  default = {}
}

variable "notification_email" {
  description = "Email address that receives run notifications, or null for none."
  type        = string
  default     = null
}

variable "lambda_bundles_dir" {
  description = "Folder of the trigger bundles, relative to this folder or absolute; `npm run build` writes them to apps/triggers/dist-bundles."
  type        = string
  default     = "../../apps/triggers/dist-bundles"
}

variable "log_level" {
  description = "LOG_LEVEL of every service and function."
  type        = string
  default     = "info"
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps service, function, access and job logs."
  type        = number
  default     = 30
}
