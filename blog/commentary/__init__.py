"""The commentary section: an English article, quote → translation → opinion blocks, a summary.

The blueprint is `views.bp`: the factory registers it from there, so importing the section's
forms never imports its views."""
