output "api_url" {
  description = "Public URL of the API (API Gateway's default stage)."
  value       = aws_apigatewayv2_stage.this.invoke_url
}

output "internal_url" {
  description = "The API's address inside the VPC, which training nodes get as RUN_REPORT_URL."
  value       = "http://${aws_lb.this.dns_name}"
}

output "repository_urls" {
  description = "ECR repositories of the api and worker images."
  value       = { for key, repository in aws_ecr_repository.this : key => repository.repository_url }
}

output "cluster_name" {
  description = "ECS cluster of the services."
  value       = aws_ecs_cluster.this.name
}

output "service_names" {
  description = "ECS service names: api and worker."
  value       = { api = aws_ecs_service.api.name, worker = aws_ecs_service.worker.name }
}

output "execution_role_arns" {
  description = "Execution roles by service; ECS reads each service's secrets with it."
  value       = { for key, role in aws_iam_role.execution : key => role.arn }
}

output "task_role_arns" {
  description = "Task roles by service, with the permissions of each app's code."
  value       = { api = aws_iam_role.api_task.arn, worker = aws_iam_role.worker_task.arn }
}

output "log_group_names" {
  description = "Log groups of the services and of API Gateway's access log."
  value = merge(
    { for key, group in aws_cloudwatch_log_group.service : key => group.name },
    { access = aws_cloudwatch_log_group.access.name },
  )
}

output "secret_readers" {
  description = "Execution roles that inject each secret, by secret: exactly the roles the secret's resource policy should let read it."
  value = {
    for secret, arn in var.secret_arns : secret => [
      for service, secrets in { api = local.api_secrets, worker = local.worker_secrets } :
      aws_iam_role.execution[service].arn if contains(values(secrets), arn)
    ]
  }
}
