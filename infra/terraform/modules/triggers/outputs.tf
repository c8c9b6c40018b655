output "function_names" {
  description = "Lambda function names by function: batch-events and post-confirmation."
  value       = { for key, function in aws_lambda_function.this : key => function.function_name }
}

output "function_arns" {
  description = "Lambda function ARNs by function."
  value       = { for key, function in aws_lambda_function.this : key => function.arn }
}

output "sns_topic_arn" {
  description = "Topic that receives one message per run that ends; the worker's and batch-events' SNS_TOPIC_ARN."
  value       = aws_sns_topic.this.arn
}

output "dead_letter_queue_url" {
  description = "Queue of Batch events that could not be delivered or processed."
  value       = aws_sqs_queue.dead_letter.id
}
