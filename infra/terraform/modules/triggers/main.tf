locals {
  # Each function: its role, its environment (the variables its config schema reads; Lambda
  # sets AWS_REGION itself), and its timeout.
  functions = {
    "batch-events" = {
      description = "Applies Batch Job State Change events to runs and notifies run endings"
      role_arn    = aws_iam_role.batch_events.arn
      timeout     = 30
      # EventBridge invokes it asynchronously, so failed invocations can go to a queue.
      dead_letter = true
      environment = {
        TABLE_PREFIX  = var.table_prefix
        SNS_TOPIC_ARN = aws_sns_topic.this.arn
        LOG_LEVEL     = var.log_level
      }
    }
    "post-confirmation" = {
      description = "Creates a user's profile when Cognito confirms the user"
      role_arn    = aws_iam_role.post_confirmation.arn
      # Cognito waits 5 seconds for a trigger (Cognito developer guide, "Lambda triggers").
      timeout     = 5
      dead_letter = false
      environment = {
        TABLE_PREFIX = var.table_prefix
        LOG_LEVEL    = var.log_level
      }
    }
  }
}

resource "aws_sns_topic" "this" {
  name              = "${var.name}-run-events"
  kms_master_key_id = "alias/aws/sns"

  tags = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  count = var.notification_email == null ? 0 : 1

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = var.notification_email
}

resource "aws_sqs_queue" "dead_letter" {
  name                      = "${var.name}-batch-events-failed"
  message_retention_seconds = var.dead_letter_retention_seconds
  sqs_managed_sse_enabled   = true

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.functions

  name              = "/aws/lambda/${var.name}-${each.key}"
  retention_in_days = var.log_retention_days

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  for_each = local.functions

  function_name    = "${var.name}-${each.key}"
  description      = each.value.description
  role             = each.value.role_arn
  filename         = "${var.bundles_dir}/${each.key}.zip"
  source_code_hash = filebase64sha256("${var.bundles_dir}/${each.key}.zip")
  runtime          = "nodejs22.x"
  handler          = "index.handler"
  architectures    = ["arm64"]
  memory_size      = var.memory_size
  timeout          = each.value.timeout

  environment {
    variables = each.value.environment
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this[each.key].name
  }

  # Cognito calls post-confirmation synchronously, so only batch-events has failed
  # asynchronous invocations to keep.
  dynamic "dead_letter_config" {
    for_each = each.value.dead_letter ? [aws_sqs_queue.dead_letter.arn] : []
    content {
      target_arn = dead_letter_config.value
    }
  }

  tags = var.tags

  depends_on = [
    aws_iam_role_policy.batch_events_runtime,
    aws_iam_role_policy.post_confirmation_runtime,
  ]
}

resource "aws_lambda_function_event_invoke_config" "batch_events" {
  function_name                = aws_lambda_function.this["batch-events"].function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600
}

# Batch sends "Batch Job State Change" events for the platform's queues only; the worker's
# monitor loop still polls, because events can be late, repeated or lost.
resource "aws_cloudwatch_event_rule" "batch_job_state_change" {
  name        = "${var.name}-batch-job-state-change"
  description = "Batch job state changes of the platform's job queues"

  event_pattern = jsonencode({
    source        = ["aws.batch"]
    "detail-type" = ["Batch Job State Change"]
    detail = {
      jobQueue = var.batch_job_queue_arns
    }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "batch_events" {
  rule = aws_cloudwatch_event_rule.batch_job_state_change.name
  arn  = aws_lambda_function.this["batch-events"].arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 20
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letter.arn
  }
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowEventBridgeBatchJobStateChange"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["batch-events"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.batch_job_state_change.arn
}

data "aws_iam_policy_document" "dead_letter" {
  statement {
    sid       = "EventBridgeSendsUndeliveredEvents"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letter.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.batch_job_state_change.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "dead_letter" {
  queue_url = aws_sqs_queue.dead_letter.id
  policy    = data.aws_iam_policy_document.dead_letter.json
}
