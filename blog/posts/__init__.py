"""Posts as the site handles them: what a visitor may see (queries), their addresses (urls),
the one way they are written (saving), the shape of each type of post as data (schema)
and the pages the sections share (pages)."""
