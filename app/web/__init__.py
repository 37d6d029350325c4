"""Web layer: access rules, error pages, headers, sessions, templating, form helpers,
hostile-input guards and rate limits."""
