"""The diary section: Markdown entries with a date, an optional title, tags and visibility.

The blueprint is `views.bp`: the factory registers it from there, so importing the section's
forms never imports its views."""
