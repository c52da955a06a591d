"""Readers' reactions without an account: 공감 (likes.py) and the views' helper (pages.py)."""
