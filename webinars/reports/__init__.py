"""Participant lists, reports and certificates: what the organizers take away after a session."""
