"""The transitions workflow's records."""
