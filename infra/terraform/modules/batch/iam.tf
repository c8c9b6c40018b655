data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  batch_arn_prefix = "arn:${data.aws_partition.current.partition}:batch:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"
}

data "aws_iam_policy_document" "instance_assume" {
  statement {
    sid     = "EC2AssumesInstanceRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

# Batch's container instances run the ECS agent, which needs the managed ECS instance policy
# (Batch user guide, "Amazon ECS instance role").
resource "aws_iam_role" "instance" {
  name_prefix        = "${var.name}-batch-instance-"
  assume_role_policy = data.aws_iam_policy_document.instance_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "instance" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_instance_profile" "instance" {
  name_prefix = "${var.name}-batch-instance-"
  role        = aws_iam_role.instance.name

  tags = var.tags
}

data "aws_iam_policy_document" "job_assume" {
  statement {
    sid     = "EcsTasksAssumeJobRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "job" {
  name_prefix        = "${var.name}-training-job-"
  assume_role_policy = data.aws_iam_policy_document.job_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "job" {
  for_each = toset(var.job_role_policy_arns)

  role       = aws_iam_role.job.name
  policy_arn = each.value
}
