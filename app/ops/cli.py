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
        try:
            seeded = demo.seed_all(only_if_empty=if_empty)
        except demo.DemoAlreadyLoaded as refused:
            raise click.ClickException(str(refused)) from refused
        click.echo("Demo data loaded." if seeded else "Database not empty; demo data skipped.")

    @app.cli.command("demo-totp")
    @click.argument("email")
    def demo_totp(email: str) -> None:
        """Print the current sign-in code of a demo account (development only)."""
        from app.demo.accounts import current_demo_code

        try:
            click.echo(current_demo_code(email))
        except ValueError as error:
            raise click.ClickException(str(error)) from error

    outbox = AppGroup("outbox", help="The mail outbox.")
    audit = AppGroup("audit", help="The audit trail.")
    app.cli.add_command(outbox)
    app.cli.add_command(audit)
    app.extensions["portal_cli_groups"] = {"outbox": outbox, "audit": audit}
    register_ops_commands(app, outbox)
    register_audit_commands(app, audit)
    register_account_commands(app)
    register_support_commands(app)
    register_seminar_commands(app)
    register_open311_commands(app)
    register_alert_commands(app)


# --- Operations: outbox, audit and worker commands (ops/admin block) ---------------------


def register_ops_commands(app: Flask, outbox: AppGroup) -> None:
    @outbox.command("deliver")
    @click.option("--batch-size", type=int, default=None, help="Messages per pass.")
    def outbox_deliver(batch_size: int | None) -> None:
        """Send the mail that is due (one pass) and print what happened."""
        from app.services import outbox as service

        result = service.deliver_due(batch_size=batch_size)
        click.echo(f"sent {result.sent}, retrying later {result.retrying}, failed {result.failed}")
        for error in sorted(set(result.errors)):
            click.echo(f"  error: {error}")

    @outbox.command("status")
    def outbox_status() -> None:
        """Count pending, sent and failed messages."""
        from app.services import outbox as service

        counts = service.status_counts()
        click.echo(" ".join(f"{name}={count}" for name, count in counts.items()))
        oldest = service.oldest_pending()
        if oldest is not None:
            click.echo(f"oldest pending since {oldest.isoformat(timespec='seconds')} UTC")

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Run every job once, then exit.")
    def worker(once: bool) -> None:
        """Run the periodic jobs (outbox delivery and others) until stopped."""
        from app.ops import worker as loop

        if once:
            results = loop.run_once()
            for name, ok in results.items():
                click.echo(f"{name}: {'ok' if ok else 'FAILED (see log)'}")
            raise SystemExit(0 if all(results.values()) else 1)
        loop.run_forever()


def register_audit_commands(app: Flask, audit: AppGroup) -> None:
    @audit.command("verify")
    @click.option("--head-file", type=click.Path(dir_okay=False),
                  help="Compare with the last head the worker wrote there (AUDIT_HEAD_FILE).")
    @click.option("--expect-head", metavar="SEQ:HASH",
                  help="Compare with a head copied from the log (\"audit head seq=... hash=...\").")
    @click.option("--legacy-until", type=int, default=None,
                  help="Last seq written before keying (default AUDIT_LEGACY_UNTIL).")
    def audit_verify(head_file: str | None, expect_head: str | None,
                     legacy_until: int | None) -> None:
        """Check the keyed audit chain and its head; exit 1 at the first problem."""
        from app.services import audit as service

        legacy = app.config["AUDIT_LEGACY_UNTIL"] if legacy_until is None else legacy_until
        broken = service.verify_chain(legacy)
        if broken is not None:
            click.echo(f"BROKEN: the audit chain breaks at seq {broken.seq}: {broken.reason}.",
                       err=True)
            raise SystemExit(1)
        from app.services import advocate_audit

        dv_broken = advocate_audit.verify_chain()
        if dv_broken is not None:
            click.echo(f"BROKEN: the advocates' audit chain breaks at seq {dv_broken.seq}.",
                       err=True)
            raise SystemExit(1)
        problem = _check_head(service, head_file or app.config.get("AUDIT_HEAD_FILE"),
                              expect_head, explicit_file=bool(head_file))
        if problem:
            click.echo(f"BROKEN: {problem}.", err=True)
            raise SystemExit(1)
        seq, last_hash = service.current_head()
        click.echo(f"OK: the audit chain is intact (head seq={seq} hash={last_hash}).")


def _check_head(service, head_file: str | None, expect_head: str | None,
                explicit_file: bool) -> str | None:
    """Compare with each external copy of the head given; what is wrong, or None."""
    import os

    copies = []
    if expect_head:
        copies.append(("--expect-head", expect_head))
    if head_file and (explicit_file or os.path.exists(head_file)):
        try:
            with open(head_file, encoding="utf-8") as handle:
                copies.append((head_file, handle.read()))
        except OSError as error:
            return f"cannot read the head file: {error}"
    for source, text in copies:
        try:
            seq, expected = service.parse_head(text)
        except (ValueError, KeyError) as error:
            raise click.BadParameter(f"{source}: {error}") from error
        problem = service.verify_head(seq, expected)
        if problem:
            return f"{problem}, compared with {source}"
    return None


# --- Accounts: create-user (accounts block) ------------------------------------------------


def register_account_commands(app: Flask) -> None:
    from app.models.accounts import STAFF_ROLES

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--name", required=True, help="The person's full name.")
    @click.option("--role", "roles", multiple=True, type=click.Choice(STAFF_ROLES),
                  help="A staff role to grant; repeat for several.")
    def create_user(email: str, name: str, roles: tuple[str, ...]) -> None:
        """Create a verified account with staff roles (the first admin, for instance).

        The password is asked for (hidden, typed twice), or read from PORTAL_NEW_PASSWORD
        for scripts. It must pass the same password policy as the website.
        """
        import os

        from app.services import accounts

        password = os.environ.get("PORTAL_NEW_PASSWORD") or click.prompt(
            "Password", hide_input=True, confirmation_prompt=True
        )
        try:
            user = accounts.create_user(email, name, password, roles)
        except accounts.AccountError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"Created {user.email} with roles: {', '.join(sorted(roles)) or 'none'}.")


    @app.cli.command("grant-advocate")
    @click.argument("email")
    @click.option("--revoke", is_flag=True, help="Take the advocate role away instead.")
    def grant_advocate(email: str, revoke: bool) -> None:
        """Give (or take) the advocate role on the server: the first advocate, or when no
        other advocate can approve. Audited; every advocate is emailed."""
        from app.services import advocate_grants

        try:
            user = advocate_grants.change_on_server(email, on=not revoke)
        except advocate_grants.GrantError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"{user.email} {'is no longer' if revoke else 'is now'} an advocate.")


# --- Confidential support (DV): retention purge and key rotation (support block) ----------


def register_support_commands(app: Flask) -> None:
    @app.cli.command("purge-expired")
    def purge_expired() -> None:
        """Erase closed DV requests older than DV_RETENTION_DAYS, leaving tombstones."""
        from app.services import support

        erased = support.purge_expired()
        days = app.config["DV_RETENTION_DAYS"]
        click.echo(f"DV requests erased: {erased} (retention {days} days)")

    @app.cli.command("rotate-field-key")
    def rotate_field_key() -> None:
        """Re-encrypt every encrypted column under the first key of FIELD_ENCRYPTION_KEY."""
        from app.core.crypto import EncryptionKeyError
        from app.services import key_rotation

        try:
            counts = key_rotation.reencrypt_all()
        except EncryptionKeyError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"DV requests re-encrypted: {counts.get('support_request', 0)}")
        for table, count in sorted(counts.items()):
            click.echo(f"  {table}: {count} rows")


# --- Seminars: reminders (seminars block) ---------------------------------------------------


def register_seminar_commands(app: Flask) -> None:
    seminars = AppGroup("seminars", help="Training seminars.")
    app.cli.add_command(seminars)

    @seminars.command("remind")
    def remind() -> None:
        """Queue reminders for sessions starting within SEMINAR_REMINDER_HOURS (once each)."""
        from app.services import seminar_reminders as service

        click.echo(f"Seminar reminders queued: {service.send_reminders()}")


# --- Open311 API keys (open311 block) ------------------------------------------------------


def register_open311_commands(app: Flask) -> None:
    open311 = AppGroup("open311", help="The Open311 GeoReport v2 API.")
    app.cli.add_command(open311)

    @open311.command("create-key")
    @click.argument("name")
    def create_key(name: str) -> None:
        """Make an API key for the system NAME and print it once (only its hash is kept)."""
        from app.services import open311_keys

        try:
            made = open311_keys.create_key(name, None)
        except open311_keys.ApiKeyError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"API key for {made.key.name} (shown once; keep it in that system's "
                   f"secrets):\n{made.raw}")


def register_alert_commands(app: Flask) -> None:
    alerts = AppGroup("alerts", help="Urgent campus alerts.")
    app.cli.add_command(alerts)

    @alerts.command("issue")
    @click.option("--headline", required=True, help="One line, at most 160 characters.")
    @click.option("--instruction", required=True, help="What people should do.")
    @click.option("--severity", required=True,
                  type=click.Choice(["extreme", "severe", "moderate", "minor"]))
    @click.option("--minutes", required=True, type=int, help="How long it is shown.")
    @click.option("--place", "places", multiple=True, help="A campus place (name); repeat. "
                  "None: campus-wide.")
    @click.option("--by", "by_email", default=None,
                  help="The issuing staff account (email); a supervisor's extreme alert "
                  "goes out at once, any other waits for a dispatcher's confirmation.")
    def issue(headline, instruction, severity, minutes, places, by_email) -> None:
        """Issue a campus alert from a script (fire-alarm panel, paging); audited."""
        from app.services import alerts as service

        draft = service.AlertDraft(headline, instruction, severity, minutes)
        try:
            alert = service.issue_from_script(draft, by_email, places)
        except service.AlertError as error:
            raise click.ClickException(str(error)) from error
        state = ("held until a dispatcher confirms it" if alert.awaiting_confirmation
                 else "active")
        click.echo(f"Campus alert {alert.id} issued ({state}).")
