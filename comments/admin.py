"""Admin for comments: the moderation queue."""
