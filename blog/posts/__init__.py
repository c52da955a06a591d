"""Posts as the site handles them: what a visitor may see (queries), their addresses (urls),
the one way they are written (saving) and the pages the sections share (pages)."""
