"""The research workflow's records."""
