output "user_pool_id" {
  description = "ID of the user pool."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool."
  value       = aws_cognito_user_pool.this.arn
}

output "issuer" {
  description = "Issuer of the pool's tokens, the API's COGNITO_ISSUER: https://cognito-idp.<region>.amazonaws.com/<pool id>."
  value       = "https://${aws_cognito_user_pool.this.endpoint}"
}

output "jwks_url" {
  description = "Where the pool publishes its signing keys."
  value       = "https://${aws_cognito_user_pool.this.endpoint}/.well-known/jwks.json"
}

output "cli_client_id" {
  description = "App client of the CLI."
  value       = aws_cognito_user_pool_client.cli.id
}

output "web_client_id" {
  description = "App client of the web application."
  value       = aws_cognito_user_pool_client.web.id
}

output "client_ids" {
  description = "Every app client whose access tokens the API accepts."
  value       = [aws_cognito_user_pool_client.cli.id, aws_cognito_user_pool_client.web.id]
}

output "admin_group" {
  description = "Name of the administrators' group."
  value       = aws_cognito_user_group.this[var.admin_group].name
}

output "research_groups" {
  description = "Names of the research groups."
  value       = sort(keys(var.research_groups))
}

output "region" {
  description = "Region of the user pool, which the CLI needs to call Cognito."
  value       = data.aws_region.current.name
}
