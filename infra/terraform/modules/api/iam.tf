data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    sid     = "EcsTasksAssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# Execution roles: what ECS itself needs to start a service's tasks, one role per service so
# each reads only its own secrets.
resource "aws_iam_role" "execution" {
  for_each = toset(["api", "worker"])

  name_prefix        = "${var.name}-${each.key}-exec-"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "execution" {
  for_each = toset(["api", "worker"])

  statement {
    sid     = "GetRegistryToken"
    actions = ["ecr:GetAuthorizationToken"]
    # GetAuthorizationToken supports no resource-level permissions (Service Authorization
    # Reference, Amazon ECR).
    resources = ["*"]
  }

  statement {
    sid       = "PullServiceImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    resources = [aws_ecr_repository.this[each.key].arn]
  }

  statement {
    sid       = "WriteServiceLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.service[each.key].arn}:*"]
  }

  statement {
    sid       = "ReadServiceSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = values(each.key == "api" ? local.api_secrets : local.worker_secrets)
  }
}

resource "aws_iam_role_policy" "execution" {
  for_each = toset(["api", "worker"])

  name   = "execution"
  role   = aws_iam_role.execution[each.key].id
  policy = data.aws_iam_policy_document.execution[each.key].json
}

# Task roles: what each app's code calls. The IAM check in test/iam.test.ts compares these
# documents with the AWS SDK commands the app's source sends.
resource "aws_iam_role" "api_task" {
  name_prefix        = "${var.name}-api-task-"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

resource "aws_iam_role" "worker_task" {
  name_prefix        = "${var.name}-worker-task-"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "api_task" {
  statement {
    sid       = "ReadAndTouchUsers"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [var.table_arns["users"]]
  }

  statement {
    sid       = "RecordAndListActivity"
    actions   = ["dynamodb:PutItem", "dynamodb:Query"]
    resources = [var.table_arns["activity"]]
  }

  statement {
    sid       = "CreateReadAndCancelRuns"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [var.table_arns["runs"]]
  }

  statement {
    sid       = "ListRuns"
    actions   = ["dynamodb:Query"]
    resources = [var.table_arns["runs"], "${var.table_arns["runs"]}/index/*"]
  }

  statement {
    # Training jobs report metric points (BatchWriteItem) and results (PutItem) through the
    # API; people read them back (Query, GetItem).
    sid       = "ReportAndReadResults"
    actions   = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    resources = [var.table_arns["results"]]
  }

  statement {
    # GET /v1/runs/:id/logs reads the nodes' log streams. GetLogEvents is authorized on the
    # log stream ARN, "<log group ARN>:log-stream:<name>" (Service Authorization Reference,
    # Amazon CloudWatch Logs).
    sid       = "ReadNodeLogs"
    actions   = ["logs:GetLogEvents"]
    resources = ["${trimsuffix(var.batch_log_group_arn, ":*")}:log-stream:*"]
  }

  statement {
    # The readiness probe checks that the runs table answers.
    sid       = "CheckReadiness"
    actions   = ["dynamodb:DescribeTable"]
    resources = [var.table_arns["runs"]]
  }
}

data "aws_iam_policy_document" "worker_task" {
  statement {
    sid       = "ReadAndUpdateRuns"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [var.table_arns["runs"]]
  }

  statement {
    sid       = "FollowRunsByStatus"
    actions   = ["dynamodb:Query"]
    resources = [var.table_arns["runs"], "${var.table_arns["runs"]}/index/*"]
  }

  statement {
    sid       = "SubmitJobs"
    actions   = ["batch:SubmitJob"]
    resources = concat(var.batch_job_queue_arns, var.batch_job_definition_arns)
  }

  statement {
    sid     = "TagSubmittedJobs"
    actions = ["batch:TagResource"]
    # SubmitJob with tags also authorizes batch:TagResource on the new job (Service
    # Authorization Reference, AWS Batch, API operations table).
    resources = [var.batch_job_arn_pattern]
  }

  statement {
    sid       = "StopJobs"
    actions   = ["batch:CancelJob", "batch:TerminateJob"]
    resources = [var.batch_job_arn_pattern]
  }

  statement {
    sid     = "DescribeJobs"
    actions = ["batch:DescribeJobs", "batch:ListJobs", "batch:DescribeJobDefinitions"]
    # These Batch actions support no resource-level permissions, so the resource must be "*"
    # (Batch user guide, "Supported resource-level permissions for AWS Batch API actions").
    resources = ["*"]
  }

  statement {
    sid       = "NotifyRunEnded"
    actions   = ["sns:Publish"]
    resources = [var.sns_topic_arn]
  }
}

resource "aws_iam_role_policy" "api_task" {
  name   = "code"
  role   = aws_iam_role.api_task.id
  policy = data.aws_iam_policy_document.api_task.json
}

resource "aws_iam_role_policy" "worker_task" {
  name   = "code"
  role   = aws_iam_role.worker_task.id
  policy = data.aws_iam_policy_document.worker_task.json
}
