"""Accounts security: password hashing, session tokens, CSRF and rate limits."""
