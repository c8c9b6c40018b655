output "job_queue_names" {
  description = "Batch job queue names by catalog queue name."
  value       = { for name, queue in aws_batch_job_queue.this : name => queue.name }
}

output "job_queue_arns" {
  description = "Batch job queue ARNs by catalog queue name."
  value       = { for name, queue in aws_batch_job_queue.this : name => queue.arn }
}

output "job_definition_names" {
  description = "Job definition names by catalog queue name. The catalog names them without a revision, so SubmitJob uses the latest active revision."
  value       = { for name, definition in aws_batch_job_definition.this : name => definition.name }
}

output "job_definition_arns" {
  description = "ARNs that cover every revision of the platform's job definitions, for IAM: the name alone and name:revision."
  value = flatten([
    for definition in aws_batch_job_definition.this : [
      "${local.batch_arn_prefix}:job-definition/${definition.name}",
      "${local.batch_arn_prefix}:job-definition/${definition.name}:*",
    ]
  ])
}

output "job_arn_pattern" {
  description = "ARN pattern of the account's Batch jobs in this region, for TerminateJob and CancelJob. Job ids are random, so no narrower pattern exists."
  value       = "${local.batch_arn_prefix}:job/*"
}

output "node_security_group_id" {
  description = "Security group of the training nodes; the internal ALB admits it for the run-token reporting routes."
  value       = aws_security_group.nodes.id
}

output "log_group_name" {
  description = "Log group of the training jobs' output."
  value       = aws_cloudwatch_log_group.jobs.name
}

output "log_group_arn" {
  description = "ARN of the training jobs' log group."
  value       = aws_cloudwatch_log_group.jobs.arn
}

output "trainer_repository_url" {
  description = "ECR repository of the trainer image."
  value       = aws_ecr_repository.trainer.repository_url
}

output "trainer_image_prefixes" {
  description = "Image prefixes of the trainer repository, the catalog's default allowedImagePrefixes."
  value = [
    "${aws_ecr_repository.trainer.repository_url}:",
    "${aws_ecr_repository.trainer.repository_url}@",
  ]
}
