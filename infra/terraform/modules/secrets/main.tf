locals {
  # Secret key in this module => name suffix and what the key signs.
  secrets = {
    run_token_key = {
      suffix      = "run-token-key"
      description = "Signs the RUN_TOKEN each training job gets (RUN_TOKEN_KEY); at least 32 bytes."
    }
    cursor_signing_key = {
      suffix      = "cursor-signing-key"
      description = "Signs the API's list cursors (CURSOR_SIGNING_KEY); at least 32 bytes."
    }
  }
}

# Terraform creates the secrets without a value, so no key ever lands in the Terraform state.
# The README shows how to set and rotate the values.
resource "aws_secretsmanager_secret" "this" {
  for_each = local.secrets

  name                    = "${var.name}/${each.value.suffix}"
  description             = each.value.description
  recovery_window_in_days = var.recovery_window_in_days

  tags = var.tags
}

data "aws_iam_policy_document" "read_only_by_readers" {
  for_each = local.secrets

  statement {
    # ECS reads a task's secrets with the task's execution role when it starts the task, so
    # the readers are those roles; nobody else may read the value.
    sid     = "DenyReadingToOtherPrincipals"
    effect  = "Deny"
    actions = ["secretsmanager:GetSecretValue"]
    # In a secret's resource policy, "*" is the secret the policy is attached to (Secrets
    # Manager user guide, "Resource-based policies").
    resources = ["*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = var.readers[each.key]
    }
  }
}

resource "aws_secretsmanager_secret_policy" "this" {
  for_each = local.secrets

  secret_arn = aws_secretsmanager_secret.this[each.key].arn
  policy     = data.aws_iam_policy_document.read_only_by_readers[each.key].json
}
