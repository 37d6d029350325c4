"""Use cases: one function each, taking plain values and the acting user."""
