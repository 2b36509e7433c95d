"""Payments of bookings: one Payment per attempt, a provider per method, and the lifecycle services."""
