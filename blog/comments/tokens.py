"""The private tokens readers follow their own comment with (follow.py): long, random, and
kept only as their sha256.

A plain hash, not one keyed with SECRET_KEY: the token is random (256 bits), so nothing can be
learnt or guessed from its hash, and a site moved with a new key (export, import) keeps every
reader's address working.
"""

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
