"""Command-line entry points. They parse arguments and call services; no logic of their own."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup


def init_cli(app: Flask) -> None:
    from app import demo

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only seed a database with no users.")
    def seed_demo(if_empty: bool) -> None:
        """Load demo locations, staff accounts and requests."""
        seeded = demo.seed_all(only_if_empty=if_empty)
        click.echo("Demo data loaded." if seeded else "Database not empty; demo data skipped.")

    outbox = AppGroup("outbox", help="The mail outbox.")
    audit = AppGroup("audit", help="The audit trail.")
    app.cli.add_command(outbox)
    app.cli.add_command(audit)
    app.extensions["portal_cli_groups"] = {"outbox": outbox, "audit": audit}
