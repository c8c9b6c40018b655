output "api_url" {
  description = "Public URL of the API."
  value       = module.api.api_url
}

output "internal_api_url" {
  description = "The API's address inside the VPC, given to training jobs as RUN_REPORT_URL."
  value       = module.api.internal_url
}

output "user_pool_id" {
  description = "ID of the Cognito user pool."
  value       = module.auth.user_pool_id
}

output "cli_client_id" {
  description = "Cognito app client of the CLI."
  value       = module.auth.cli_client_id
}

output "web_client_id" {
  description = "Cognito app client of the web application."
  value       = module.auth.web_client_id
}

output "issuer" {
  description = "Issuer of the user pool's tokens."
  value       = module.auth.issuer
}

output "table_names" {
  description = "DynamoDB table names by table."
  value       = module.data.table_names
}

output "queue_names" {
  description = "Batch job queue names by catalog queue name."
  value       = module.batch.job_queue_names
}

output "queue_catalog" {
  description = "The queue catalog the API and the worker read."
  value       = local.queue_catalog
}

output "repository_urls" {
  description = "ECR repositories to push images to: api, worker and trainer."
  value       = merge(module.api.repository_urls, { trainer = module.batch.trainer_repository_url })
}

output "ecs_cluster_name" {
  description = "ECS cluster of the API and worker services."
  value       = module.api.cluster_name
}

output "ecs_service_names" {
  description = "ECS service names: api and worker."
  value       = module.api.service_names
}

output "secret_names" {
  description = "Secrets Manager secrets to set after the first apply: run_token_key and cursor_signing_key."
  value       = module.secrets.secret_names
}

output "sns_topic_arn" {
  description = "Topic of run notifications."
  value       = module.triggers.sns_topic_arn
}

output "cli_profile" {
  description = "Settings of a CLI profile for this deployment: { apiUrl, region, userPoolId, clientId }."
  value = {
    apiUrl     = trimsuffix(module.api.api_url, "/")
    region     = module.auth.region
    userPoolId = module.auth.user_pool_id
    clientId   = module.auth.cli_client_id
  }
}
