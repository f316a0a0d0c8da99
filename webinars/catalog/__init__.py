"""Reference data: member countries, organizations, working groups and people."""
