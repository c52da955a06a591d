"""The owner hears of new comments: mail (one function over smtplib), an outbox sent by the
site's own processes, and a private Atom feed of the moderation queue."""
