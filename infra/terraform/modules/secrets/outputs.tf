output "secret_arns" {
  description = "Secret ARNs by secret: run_token_key and cursor_signing_key."
  value       = { for key, secret in aws_secretsmanager_secret.this : key => secret.arn }
}

output "secret_names" {
  description = "Secret names by secret, for the commands that set and rotate the values."
  value       = { for key, secret in aws_secretsmanager_secret.this : key => secret.name }
}
