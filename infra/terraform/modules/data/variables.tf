variable "table_prefix" {
  description = "Prefix of the table names, <prefix>-users and so on; the apps' TABLE_PREFIX."
  type        = string

  validation {
    # Table names are 3 to 255 characters of letters, digits, '_', '-' and '.' (DynamoDB
    # developer guide, "Naming rules"); the apps accept prefixes of up to 200 characters.
    condition     = can(regex("^[A-Za-z0-9_.-]{1,200}$", var.table_prefix))
    error_message = "table_prefix must be 1 to 200 letters, digits, '_', '.' or '-'."
  }
}

variable "deletion_protection" {
  description = "Whether DynamoDB refuses to delete the tables until this is turned off."
  type        = bool
  default     = true
}

variable "point_in_time_recovery" {
  description = "Whether the tables keep continuous backups for point-in-time recovery (35 days)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every table."
  type        = map(string)
  default     = {}
}
