"""Audit log: who downloaded which participant list or report, and when."""
