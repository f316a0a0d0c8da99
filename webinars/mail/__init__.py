"""The mail outbox: every e-mail is a row, written with the change that causes it."""
