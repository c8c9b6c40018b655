output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 range of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "Private subnets, one per Availability Zone, in zone order."
  value       = aws_subnet.private[*].id
}

output "availability_zones" {
  description = "Availability Zones of the private subnets, in the same order."
  value       = local.zones
}

output "nat_gateway_enabled" {
  description = "Whether the private subnets have outbound internet access."
  value       = var.enable_nat_gateway
}
