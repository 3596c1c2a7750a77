"""Scheduled and queue handlers: thin, like the API's — they find work, hand it to the
domain, and let the store persist it."""
