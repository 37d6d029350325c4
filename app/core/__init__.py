"""Core helpers with no web and no use cases: crypto, tokens, time zones, URLs, CSV,
database, cache, search and password hashing."""
