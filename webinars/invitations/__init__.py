"""Calendar invitations (RFC 5545, 5546, 6047): invites, updates, cancellations, feeds, reminders."""
