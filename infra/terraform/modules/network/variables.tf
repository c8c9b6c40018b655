variable "name" {
  description = "Prefix of every resource name in the module."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 range of the VPC. Each Availability Zone gets a /20 private subnet and, with the NAT gateway, a /24 public one carved from it."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    # Amazon VPC accepts IPv4 blocks from /16 to /28 (VPC user guide, "VPC CIDR blocks"); the
    # subnet layout below needs at least a /16.
    condition     = can(cidrhost(var.cidr_block, 0)) && tonumber(split("/", var.cidr_block)[1]) == 16
    error_message = "cidr_block must be an IPv4 /16 range, such as 10.40.0.0/16."
  }
}

variable "availability_zone_count" {
  description = "Number of Availability Zones with a private subnet. Fargate tasks spread over all of them; the on-demand Batch environment uses the first, because a cluster placement group lives in one zone."
  type        = number
  default     = 2

  validation {
    # An internal ALB needs subnets in at least two Availability Zones (ELB user guide).
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 6
    error_message = "availability_zone_count must be from 2 to 6; the internal ALB needs two zones."
  }
}

variable "enable_nat_gateway" {
  description = "Whether private subnets reach the internet through one NAT gateway. The API needs it to fetch the Cognito JWKS, and the worker and nodes for public images and services without a VPC endpoint."
  type        = bool
  default     = true
}

variable "interface_endpoint_services" {
  description = "Services reached through interface VPC endpoints from the private subnets, as the last part of com.amazonaws.<region>.<service>."
  type        = set(string)
  default = [
    "ecr.api",
    "ecr.dkr",
    "logs",
    "batch",
    "ecs",
    "ecs-agent",
    "ecs-telemetry",
    "secretsmanager",
    "sns",
  ]
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
