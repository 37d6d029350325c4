"""Operations: CLI commands, the worker loop and its periodic jobs, logging, access log."""
