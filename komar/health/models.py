"""The health workflow's records."""
