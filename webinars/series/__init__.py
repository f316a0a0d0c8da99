"""Series (events), their participant profiles and partners; their sessions are in `sessions`."""
