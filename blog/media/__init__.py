"""Photos: uploaded by the owner, made fit to serve, stored by content hash, served to readers."""
