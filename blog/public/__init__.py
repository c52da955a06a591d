"""Pages for everyone: home, search, tags, archive, feeds, sitemap, the language choice.

The blueprint is `views.bp`: the factory registers it from there, so importing the section's
forms never imports its views."""
