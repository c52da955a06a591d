"""The owner's desk: every post with its state, the comment queue, the settings.

The blueprint is `views.bp`: the factory registers it from there, so importing the section's
forms never imports its views."""
