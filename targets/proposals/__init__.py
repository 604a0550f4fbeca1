"""Targets set by heads of service: proposals, their decision, the targets they become."""
