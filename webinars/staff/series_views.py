"""Staff pages for series, their sessions and participant profiles."""
