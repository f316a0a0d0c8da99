"""Attendance per session: reports imported from Zoom, Teams or a CSV, and manual check-in."""
