locals {
  tables = {
    users    = aws_dynamodb_table.users
    activity = aws_dynamodb_table.activity
    runs     = aws_dynamodb_table.runs
    results  = aws_dynamodb_table.results
  }
}

output "table_prefix" {
  description = "Prefix of the table names, the apps' TABLE_PREFIX."
  value       = var.table_prefix
}

output "table_names" {
  description = "Table names by table: users, activity, runs, results."
  value       = { for key, table in local.tables : key => table.name }
}

output "table_arns" {
  description = "Table ARNs by table. Index ARNs are <table ARN>/index/<index name>."
  value       = { for key, table in local.tables : key => table.arn }
}
