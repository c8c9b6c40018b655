variable "name" {
  description = "Name of the user pool and prefix of its app clients."
  type        = string
}

variable "admin_group" {
  description = "Cognito group whose members the API treats as administrators; the API's ADMIN_GROUP."
  type        = string
  default     = "admins"

  validation {
    # Group names are 1 to 128 characters without whitespace (Cognito API reference, CreateGroup).
    condition     = can(regex("^\\S{1,128}$", var.admin_group))
    error_message = "admin_group must be 1 to 128 characters without whitespace."
  }
}

variable "research_groups" {
  description = "Research groups, by group name, with a description each. A member's group becomes the share identifier of the fair-share queues."
  type        = map(string)
  default     = {}

  validation {
    # A share identifier is at most 255 letters and digits, optionally ending in an asterisk
    # (Batch API reference, ShareAttributes).
    condition     = alltrue([for name in keys(var.research_groups) : can(regex("^[A-Za-z0-9]{1,128}$", name))])
    error_message = "research_groups names must be 1 to 128 letters and digits, since they become Batch share identifiers."
  }
}

variable "password_policy" {
  description = "Password rules of the user pool."
  type = object({
    minimum_length                   = optional(number, 12)
    require_lowercase                = optional(bool, true)
    require_uppercase                = optional(bool, true)
    require_numbers                  = optional(bool, true)
    require_symbols                  = optional(bool, false)
    temporary_password_validity_days = optional(number, 3)
  })
  default = {}

  validation {
    # Cognito accepts 6 to 99 characters and temporary passwords valid 0 to 365 days.
    condition     = var.password_policy.minimum_length >= 8 && var.password_policy.minimum_length <= 99 && var.password_policy.temporary_password_validity_days >= 1 && var.password_policy.temporary_password_validity_days <= 365
    error_message = "password_policy.minimum_length must be from 8 to 99 and temporary_password_validity_days from 1 to 365."
  }
}

variable "mfa_configuration" {
  description = "Multi-factor authentication with an authenticator app: OFF, OPTIONAL (each user chooses) or ON (required)."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "mfa_configuration must be OFF, OPTIONAL or ON."
  }
}

variable "allow_self_sign_up" {
  description = "Whether people may sign themselves up. When false, only administrators create users."
  type        = bool
  default     = false
}

variable "token_validity" {
  description = "Lifetime of the tokens the app clients issue: access and ID tokens in minutes, refresh tokens in days."
  type = object({
    access_token_minutes = optional(number, 60)
    id_token_minutes     = optional(number, 60)
    refresh_token_days   = optional(number, 30)
  })
  default = {}

  validation {
    # Access and ID tokens last 5 minutes to 1 day, refresh tokens 1 hour to 10 years
    # (Cognito developer guide, "User pool app clients").
    condition     = var.token_validity.access_token_minutes >= 5 && var.token_validity.access_token_minutes <= 1440 && var.token_validity.id_token_minutes >= 5 && var.token_validity.id_token_minutes <= 1440 && var.token_validity.refresh_token_days >= 1 && var.token_validity.refresh_token_days <= 3650
    error_message = "Access and ID tokens must last 5 to 1440 minutes, refresh tokens 1 to 3650 days."
  }
}

variable "web_callback_urls" {
  description = "Sign-in callback URLs of the web client. With none, the web client signs in with SRP only and has no OAuth flow."
  type        = list(string)
  default     = []
}

variable "web_logout_urls" {
  description = "Sign-out URLs of the web client, used with web_callback_urls."
  type        = list(string)
  default     = []
}

variable "post_confirmation_function_arn" {
  description = "ARN of the post-confirmation Lambda function, which creates the user's profile."
  type        = string
}

variable "post_confirmation_function_name" {
  description = "Name of the post-confirmation Lambda function, which Cognito is allowed to invoke."
  type        = string
}

variable "deletion_protection" {
  description = "Whether the user pool refuses deletion until this is turned off."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
