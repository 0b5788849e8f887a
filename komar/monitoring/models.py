"""The monitoring workflow's records."""
