"""Readers' comments: the form's timer (timer), the spam defences (spam), receiving and
moderating comments (moderation), and the writer's own page at a private address (tokens,
follow, and its views)."""
