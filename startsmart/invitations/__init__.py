"""Calendar invitations and the mail outbox."""
