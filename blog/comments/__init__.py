"""Readers' comments: the form's timer (timer), the spam defences (spam), and receiving and
moderating comments (moderation)."""
