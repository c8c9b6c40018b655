data "aws_iam_policy_document" "lambda_assume" {
  statement {
    sid     = "LambdaAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "batch_events" {
  name_prefix        = "${var.name}-batch-events-"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json

  tags = var.tags
}

resource "aws_iam_role" "post_confirmation" {
  name_prefix        = "${var.name}-post-confirm-"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json

  tags = var.tags
}

# What the batch-events code calls: the run of a job by the byJob index, the run itself, its
# conditional updates, and the notification of a run that ended.
data "aws_iam_policy_document" "batch_events_code" {
  statement {
    sid       = "ReadAndUpdateRuns"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [var.table_arns["runs"]]
  }

  statement {
    sid       = "FindRunsByJob"
    actions   = ["dynamodb:Query"]
    resources = [var.table_arns["runs"], "${var.table_arns["runs"]}/index/*"]
  }

  statement {
    sid       = "NotifyRunEnded"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]
  }
}

# What the post-confirmation code calls: a conditional put of the new user's profile.
data "aws_iam_policy_document" "post_confirmation_code" {
  statement {
    sid       = "CreateUserProfile"
    actions   = ["dynamodb:PutItem"]
    resources = [var.table_arns["users"]]
  }
}

# What the Lambda runtime needs beside the code: its own log group, and for batch-events the
# dead-letter queue of failed asynchronous invocations (Lambda developer guide, "Dead-letter
# queues").
data "aws_iam_policy_document" "batch_events_runtime" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this["batch-events"].arn}:*"]
  }

  statement {
    sid       = "SendFailedEvents"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letter.arn]
  }
}

data "aws_iam_policy_document" "post_confirmation_runtime" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this["post-confirmation"].arn}:*"]
  }
}

resource "aws_iam_role_policy" "batch_events_code" {
  name   = "code"
  role   = aws_iam_role.batch_events.id
  policy = data.aws_iam_policy_document.batch_events_code.json
}

resource "aws_iam_role_policy" "batch_events_runtime" {
  name   = "runtime"
  role   = aws_iam_role.batch_events.id
  policy = data.aws_iam_policy_document.batch_events_runtime.json
}

resource "aws_iam_role_policy" "post_confirmation_code" {
  name   = "code"
  role   = aws_iam_role.post_confirmation.id
  policy = data.aws_iam_policy_document.post_confirmation_code.json
}

resource "aws_iam_role_policy" "post_confirmation_runtime" {
  name   = "runtime"
  role   = aws_iam_role.post_confirmation.id
  policy = data.aws_iam_policy_document.post_confirmation_runtime.json
}
