variable "name" {
  description = "Prefix of the secret names, <name>/run-token-key and <name>/cursor-signing-key."
  type        = string
}

variable "readers" {
  description = "IAM role ARNs allowed to read each secret, by secret: run_token_key and cursor_signing_key. Every other principal is denied secretsmanager:GetSecretValue by the secret's resource policy."
  type = object({
    run_token_key      = list(string)
    cursor_signing_key = list(string)
  })

  validation {
    condition     = length(var.readers.run_token_key) > 0 && length(var.readers.cursor_signing_key) > 0
    error_message = "Each secret needs at least one reader, or nothing can use it."
  }
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can still be restored; 0 deletes at once."
  type        = number
  default     = 7

  validation {
    # Secrets Manager accepts 0 (force delete) or 7 to 30 days (DeleteSecret API reference).
    condition     = var.recovery_window_in_days == 0 || (var.recovery_window_in_days >= 7 && var.recovery_window_in_days <= 30)
    error_message = "recovery_window_in_days must be 0 or from 7 to 30."
  }
}

variable "tags" {
  description = "Tags added to every secret."
  type        = map(string)
  default     = {}
}
