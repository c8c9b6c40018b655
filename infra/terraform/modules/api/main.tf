data "aws_region" "current" {}

locals {
  api_image    = "${aws_ecr_repository.this["api"].repository_url}:${var.api.image_tag}"
  worker_image = "${aws_ecr_repository.this["worker"].repository_url}:${var.worker.image_tag}"

  # The apps read the queue catalog from a file (QUEUE_CATALOG_PATH). A short-lived container of
  # the same image writes QUEUE_CATALOG_JSON to a task volume first, and the app container starts
  # only after it succeeded, so the images need nothing deployment-specific.
  catalog_dir        = "/etc/trainplane"
  queue_catalog_path = "${local.catalog_dir}/queue-catalog.json"

  catalog_writer = {
    name      = "queue-catalog"
    essential = false
    # Fargate volumes belong to root, and the app images may run as another user.
    user       = "0"
    entryPoint = ["node", "-e", "require('node:fs').writeFileSync(process.env.QUEUE_CATALOG_PATH, process.env.QUEUE_CATALOG_JSON, { mode: 0o644 })"]
    environment = [
      { name = "QUEUE_CATALOG_PATH", value = local.queue_catalog_path },
      { name = "QUEUE_CATALOG_JSON", value = var.queue_catalog_json },
    ]
    mountPoints = [{ sourceVolume = "config", containerPath = local.catalog_dir, readOnly = false }]
  }

  # The API's environment: the variables of apps/api/src/config.ts that differ from their
  # defaults on AWS. DYNAMODB_ENDPOINT and LOGS_ENDPOINT stay unset, so the SDK uses the regional endpoints.
  api_environment = {
    HOST                  = "0.0.0.0"
    PORT                  = tostring(var.api.port)
    AWS_REGION            = data.aws_region.current.name
    TABLE_PREFIX          = var.table_prefix
    BATCH_LOG_GROUP       = var.batch_log_group_name
    COGNITO_ISSUER        = var.cognito_issuer
    COGNITO_CLIENT_IDS    = join(",", var.cognito_client_ids)
    ADMIN_GROUP           = var.admin_group
    QUEUE_CATALOG_PATH    = local.queue_catalog_path
    TRUSTED_PROXIES       = var.vpc_cidr_block
    CORS_ORIGINS          = join(",", var.cors_origins)
    RATE_LIMIT_PER_MINUTE = tostring(var.api.rate_limit_per_minute)
    LOG_LEVEL             = var.log_level
  }

  # Injected by ECS from Secrets Manager with the execution role (ECS developer guide,
  # "Pass Secrets Manager secrets through environment variables").
  api_secrets = {
    RUN_TOKEN_KEY      = var.secret_arns.run_token_key
    CURSOR_SIGNING_KEY = var.secret_arns.cursor_signing_key
  }

  # The worker's environment: the variables of apps/worker/src/config.ts. WORKER_ID stays unset,
  # so each task names itself after its host name; BATCH_ENDPOINT, DYNAMODB_ENDPOINT and
  # SNS_ENDPOINT stay unset on AWS.
  worker_environment = {
    AWS_REGION             = data.aws_region.current.name
    TABLE_PREFIX           = var.table_prefix
    SNS_TOPIC_ARN          = var.sns_topic_arn
    QUEUE_CATALOG_PATH     = local.queue_catalog_path
    RUN_REPORT_URL         = "http://${aws_lb.this.dns_name}"
    POLL_INTERVAL_MS       = tostring(var.worker.poll_interval_ms)
    LEASE_SECONDS          = tostring(var.worker.lease_seconds)
    SUBMIT_RATE_PER_SECOND = tostring(var.worker.submit_rate_per_second)
    LOG_LEVEL              = var.log_level
  }

  worker_secrets = {
    RUN_TOKEN_KEY      = var.secret_arns.run_token_key
    CURSOR_SIGNING_KEY = var.secret_arns.cursor_signing_key
  }
}

resource "aws_ecr_repository" "this" {
  for_each = toset(["api", "worker"])

  name                 = "${var.name}-${each.key}"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  tags = var.tags
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "service" {
  for_each = toset(["api", "worker"])

  name              = "/ecs/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days

  tags = var.tags
}

resource "aws_ecs_task_definition" "api" {
  family                   = "${var.name}-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.api.cpu
  memory                   = var.api.memory
  execution_role_arn       = aws_iam_role.execution["api"].arn
  task_role_arn            = aws_iam_role.api_task.arn

  volume {
    name = "config"
  }

  container_definitions = jsonencode([
    merge(local.catalog_writer, {
      image            = local.api_image
      logConfiguration = local.log_configuration["api"]
    }),
    {
      name         = "api"
      image        = local.api_image
      essential    = true
      portMappings = [{ containerPort = var.api.port, protocol = "tcp" }]
      environment  = [for name, value in local.api_environment : { name = name, value = value }]
      secrets      = [for name, arn in local.api_secrets : { name = name, valueFrom = arn }]
      mountPoints  = [{ sourceVolume = "config", containerPath = local.catalog_dir, readOnly = true }]
      dependsOn    = [{ containerName = "queue-catalog", condition = "SUCCESS" }]
      # The API drains requests on SIGTERM; ECS waits this long before SIGKILL.
      stopTimeout      = 30
      logConfiguration = local.log_configuration["api"]
    },
  ])

  tags = var.tags
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "${var.name}-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.worker.cpu
  memory                   = var.worker.memory
  execution_role_arn       = aws_iam_role.execution["worker"].arn
  task_role_arn            = aws_iam_role.worker_task.arn

  volume {
    name = "config"
  }

  container_definitions = jsonencode([
    merge(local.catalog_writer, {
      image            = local.worker_image
      logConfiguration = local.log_configuration["worker"]
    }),
    {
      name        = "worker"
      image       = local.worker_image
      essential   = true
      environment = [for name, value in local.worker_environment : { name = name, value = value }]
      secrets     = [for name, arn in local.worker_secrets : { name = name, valueFrom = arn }]
      mountPoints = [{ sourceVolume = "config", containerPath = local.catalog_dir, readOnly = true }]
      dependsOn   = [{ containerName = "queue-catalog", condition = "SUCCESS" }]
      # A worker that stops finishes its current submission; leases cover the rest.
      stopTimeout      = 60
      logConfiguration = local.log_configuration["worker"]
    },
  ])

  tags = var.tags
}

locals {
  log_configuration = {
    for service, group in aws_cloudwatch_log_group.service : service => {
      logDriver = "awslogs"
      options = {
        awslogs-group         = group.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = service
      }
    }
  }
}

resource "aws_ecs_service" "api" {
  name                              = "api"
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.api.arn
  desired_count                     = var.api.min_count
  launch_type                       = "FARGATE"
  health_check_grace_period_seconds = 60
  propagate_tags                    = "SERVICE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.api_tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = var.api.port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = var.tags

  # Autoscaling owns the task count after the first apply.
  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener.http]
}

resource "aws_ecs_service" "worker" {
  name            = "worker"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.worker.arn
  desired_count   = var.worker.min_count
  launch_type     = "FARGATE"
  propagate_tags  = "SERVICE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.worker_tasks.id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = var.tags

  lifecycle {
    ignore_changes = [desired_count]
  }
}
