# The training platform on AWS: one module per concern, wired here. Apply with a copy of
# terraform.tfvars.example; README.md walks through it.

module "network" {
  source = "./modules/network"

  name                    = var.name
  cidr_block              = var.network.cidr_block
  availability_zone_count = var.network.availability_zone_count
  enable_nat_gateway      = var.network.enable_nat_gateway
}

module "data" {
  source = "./modules/data"

  table_prefix        = var.name
  deletion_protection = var.deletion_protection
}

module "secrets" {
  source = "./modules/secrets"

  name    = var.name
  readers = module.api.secret_readers
}

module "batch" {
  source = "./modules/batch"

  name              = var.name
  vpc_id            = module.network.vpc_id
  subnet_ids        = module.network.private_subnet_ids
  queues            = var.queues
  trainer_image_tag = var.images.trainer
  image_type        = var.compute.image_type
  enable_efa        = var.compute.enable_efa

  on_demand = {
    instance_types = var.compute.on_demand_instance_types
    max_vcpus      = var.compute.on_demand_max_vcpus
  }

  spot = {
    enabled        = var.compute.spot_enabled
    instance_types = var.compute.spot_instance_types
    max_vcpus      = var.compute.spot_max_vcpus
  }

  fair_share = {
    share_decay_seconds = var.compute.share_decay_seconds
    compute_reservation = var.compute.compute_reservation
    share_weights       = var.compute.share_weights
  }

  job_role_policy_arns = var.compute.job_role_policy_arns
  log_retention_days   = var.log_retention_days
}

module "triggers" {
  source = "./modules/triggers"

  name                 = var.name
  table_prefix         = module.data.table_prefix
  table_arns           = module.data.table_arns
  batch_job_queue_arns = values(module.batch.job_queue_arns)
  bundles_dir          = abspath(startswith(var.lambda_bundles_dir, "/") ? var.lambda_bundles_dir : "${path.root}/${var.lambda_bundles_dir}")
  notification_email   = var.notification_email
  log_level            = var.log_level
  log_retention_days   = var.log_retention_days
}

module "auth" {
  source = "./modules/auth"

  name                = var.name
  admin_group         = var.auth.admin_group
  research_groups     = var.auth.research_groups
  mfa_configuration   = var.auth.mfa_configuration
  allow_self_sign_up  = var.auth.allow_self_sign_up
  web_callback_urls   = var.auth.web_callback_urls
  web_logout_urls     = var.auth.web_logout_urls
  deletion_protection = var.deletion_protection

  password_policy = {
    minimum_length = var.auth.password_minimum_length
  }

  post_confirmation_function_arn  = module.triggers.function_arns["post-confirmation"]
  post_confirmation_function_name = module.triggers.function_names["post-confirmation"]
}

module "api" {
  source = "./modules/api"

  name                         = var.name
  vpc_id                       = module.network.vpc_id
  vpc_cidr_block               = module.network.vpc_cidr_block
  subnet_ids                   = module.network.private_subnet_ids
  batch_node_security_group_id = module.batch.node_security_group_id

  table_prefix       = module.data.table_prefix
  table_arns         = module.data.table_arns
  cognito_issuer     = module.auth.issuer
  cognito_client_ids = module.auth.client_ids
  admin_group        = module.auth.admin_group
  queue_catalog_json = local.queue_catalog_json
  secret_arns        = module.secrets.secret_arns
  sns_topic_arn      = module.triggers.sns_topic_arn

  batch_job_queue_arns      = values(module.batch.job_queue_arns)
  batch_job_definition_arns = module.batch.job_definition_arns
  batch_job_arn_pattern     = module.batch.job_arn_pattern
  batch_log_group_name      = module.batch.log_group_name
  batch_log_group_arn       = module.batch.log_group_arn

  api = {
    image_tag             = var.images.api
    cpu                   = var.api.cpu
    memory                = var.api.memory
    min_count             = var.api.min_count
    max_count             = var.api.max_count
    cpu_target_percent    = var.api.cpu_target_percent
    requests_per_target   = var.api.requests_per_target
    rate_limit_per_minute = var.api.rate_limit_per_minute
  }

  worker = {
    image_tag              = var.images.worker
    cpu                    = var.worker.cpu
    memory                 = var.worker.memory
    min_count              = var.worker.min_count
    max_count              = var.worker.max_count
    poll_interval_ms       = var.worker.poll_interval_ms
    lease_seconds          = var.worker.lease_seconds
    submit_rate_per_second = var.worker.submit_rate_per_second
  }

  throttling = {
    rate_limit  = var.api.throttling_rate_limit
    burst_limit = var.api.throttling_burst_limit
  }

  public_routes      = var.api.public_routes
  cors_origins       = var.api.cors_origins
  log_level          = var.log_level
  log_retention_days = var.log_retention_days
}
