"""The owner's data, out and back in: the JSON export and the Markdown zip (export), its
import (import_json), the owner's old plain-text posts (import_text) and a consistent SQLite
backup (backup)."""
