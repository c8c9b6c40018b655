data "aws_region" "current" {}

locals {
  queues = { for queue in var.queues : queue.name => queue }

  fair_share_queues = { for name, queue in local.queues : name => queue if queue.fair_share }

  trainer_image = "${aws_ecr_repository.trainer.repository_url}:${var.trainer_image_tag}"

  # Batch passes the EFA device through when the job definition lists it (Batch user guide,
  # "Elastic Fabric Adapter").
  efa_devices = var.enable_efa ? [{
    hostPath      = "/dev/infiniband/uverbs0"
    containerPath = "/dev/infiniband/uverbs0"
    permissions   = ["READ", "WRITE", "MKNOD"]
  }] : []

  # The container of each queue's jobs; the worker overrides command, environment and
  # resources per run, but /dev/shm can only be set here.
  containers = {
    for name, queue in local.queues : name => {
      image      = local.trainer_image
      jobRoleArn = aws_iam_role.job.arn
      resourceRequirements = concat(
        [
          { type = "VCPU", value = tostring(queue.vcpus_per_node) },
          { type = "MEMORY", value = tostring(queue.memory_mib_per_node) },
        ],
        queue.gpus_per_node > 0 ? [{ type = "GPU", value = tostring(queue.gpus_per_node) }] : [],
      )
      linuxParameters = {
        sharedMemorySize = queue.shared_memory_mib
        devices          = queue.spot ? [] : local.efa_devices
      }
      # EFA registers memory with the device, which needs an unlimited locked-memory limit.
      ulimits = var.enable_efa && !queue.spot ? [{ name = "memlock", softLimit = -1, hardLimit = -1 }] : []
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.jobs.name
          awslogs-region        = data.aws_region.current.name
          awslogs-stream-prefix = name
        }
      }
    }
  }
}

resource "aws_ecr_repository" "trainer" {
  name                 = "${var.name}-trainer"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "jobs" {
  name              = "/aws/batch/${var.name}"
  retention_in_days = var.log_retention_days

  tags = var.tags
}

# Nodes of one multi-node job talk to each other on any port (NCCL, EFA), and an EFA's security
# group must allow all traffic to and from itself (Batch user guide, "Elastic Fabric Adapter").
resource "aws_security_group" "nodes" {
  name_prefix = "${var.name}-batch-nodes-"
  description = "Batch GPU nodes: all traffic between nodes, any outbound"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-batch-nodes" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "nodes_from_nodes" {
  security_group_id            = aws_security_group.nodes.id
  description                  = "All traffic between the nodes of a job"
  referenced_security_group_id = aws_security_group.nodes.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_egress_rule" "nodes_to_nodes" {
  security_group_id            = aws_security_group.nodes.id
  description                  = "All traffic between the nodes of a job, which EFA needs"
  referenced_security_group_id = aws_security_group.nodes.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_egress_rule" "nodes_outbound" {
  security_group_id = aws_security_group.nodes.id
  description       = "Images, VPC endpoints and the internal ALB"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

resource "aws_placement_group" "this" {
  name     = "${var.name}-training"
  strategy = "cluster"

  tags = var.tags
}

resource "aws_launch_template" "efa" {
  count = var.enable_efa ? 1 : 0

  name_prefix = "${var.name}-efa-"
  description = "EFA network interface for multi-node training instances"

  # A launch template that defines network interfaces sets security groups on them rather than
  # on the instance (EC2 user guide, "Elastic Fabric Adapter").
  # NOTE: written from the Batch and EC2 guides and never applied here; check the first EFA
  # instance with `fi_info -p efa` before relying on it.
  network_interfaces {
    device_index          = 0
    interface_type        = "efa"
    security_groups       = [aws_security_group.nodes.id]
    delete_on_termination = true
  }

  tags = var.tags
}

resource "aws_batch_compute_environment" "on_demand" {
  compute_environment_name_prefix = "${var.name}-on-demand-"
  type                            = "MANAGED"

  compute_resources {
    type                = "EC2"
    allocation_strategy = "BEST_FIT_PROGRESSIVE"
    instance_type       = var.on_demand.instance_types
    min_vcpus           = 0
    max_vcpus           = var.on_demand.max_vcpus
    instance_role       = aws_iam_instance_profile.instance.arn
    placement_group     = aws_placement_group.this.name
    security_group_ids  = [aws_security_group.nodes.id]
    # One subnet keeps every node in the placement group's zone.
    subnets = [var.subnet_ids[0]]

    ec2_configuration {
      image_type = var.image_type
    }

    dynamic "launch_template" {
      for_each = aws_launch_template.efa
      content {
        launch_template_id = launch_template.value.id
        version            = launch_template.value.latest_version
      }
    }

    tags = merge(var.tags, { Name = "${var.name}-on-demand" })
  }

  tags = var.tags

  # Batch cannot change most compute resources in place, so a replacement is created first and
  # the queues move to it before the old one goes.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_batch_compute_environment" "spot" {
  count = var.spot.enabled ? 1 : 0

  compute_environment_name_prefix = "${var.name}-spot-"
  type                            = "MANAGED"

  compute_resources {
    type                = "SPOT"
    allocation_strategy = "SPOT_PRICE_CAPACITY_OPTIMIZED"
    instance_type       = var.spot.instance_types
    min_vcpus           = 0
    max_vcpus           = var.spot.max_vcpus
    instance_role       = aws_iam_instance_profile.instance.arn
    security_group_ids  = [aws_security_group.nodes.id]
    subnets             = var.subnet_ids

    ec2_configuration {
      image_type = var.image_type
    }

    tags = merge(var.tags, { Name = "${var.name}-spot" })
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_batch_scheduling_policy" "this" {
  count = length(local.fair_share_queues) > 0 ? 1 : 0

  name = "${var.name}-fair-share"

  fair_share_policy {
    compute_reservation = var.fair_share.compute_reservation
    share_decay_seconds = var.fair_share.share_decay_seconds

    dynamic "share_distribution" {
      for_each = var.fair_share.share_weights
      content {
        share_identifier = share_distribution.key
        weight_factor    = share_distribution.value
      }
    }
  }

  tags = var.tags
}

resource "aws_batch_job_queue" "this" {
  for_each = local.queues

  name     = "${var.name}-${each.key}"
  state    = "ENABLED"
  priority = each.value.priority

  # With a scheduling policy, every job needs a shareIdentifier (Batch API reference, SubmitJob).
  scheduling_policy_arn = each.value.fair_share ? aws_batch_scheduling_policy.this[0].arn : null

  compute_environment_order {
    order               = 1
    compute_environment = each.value.spot ? aws_batch_compute_environment.spot[0].arn : aws_batch_compute_environment.on_demand.arn
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = !each.value.spot || var.spot.enabled
      error_message = "Queue ${each.key} is a Spot queue; set spot.enabled = true."
    }
  }
}

resource "aws_batch_job_definition" "this" {
  for_each = local.queues

  name                  = "${var.name}-${each.key}"
  type                  = each.value.spot ? "container" : "multinode"
  platform_capabilities = ["EC2"]
  propagate_tags        = true

  container_properties = each.value.spot ? jsonencode(local.containers[each.key]) : null

  # The worker sets numNodes per run with nodeOverrides; one range covers every node.
  node_properties = each.value.spot ? null : jsonencode({
    mainNode = 0
    numNodes = 1
    nodeRangeProperties = [{
      targetNodes = "0:"
      container   = local.containers[each.key]
    }]
  })

  timeout {
    attempt_duration_seconds = each.value.max_timeout_seconds
  }

  tags = var.tags
}
