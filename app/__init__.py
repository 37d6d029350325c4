"""The application factory: it reads like the table of contents of the portal."""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.core.i18n import LazyTextJSON
from config import load_config


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.json = LazyTextJSON(app)
    app.config.from_object(load_config(config_name))
    app.config.update(overrides)
    configure_trusted_hosts(app)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)
    register_logging(app)
    check_field_encryption_key(app)
    register_extensions(app)
    register_hostile_input(app)
    register_blueprints(app)
    register_error_pages(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def configure_trusted_hosts(app: Flask) -> None:
    from app.core.urls import init_trusted_hosts, trusted_hosts

    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    init_trusted_hosts(app)


def register_logging(app: Flask) -> None:
    from app.ops.logging import init_logging

    init_logging(app)


def check_field_encryption_key(app: Flask) -> None:
    """Refuse to start with a missing or malformed key, rather than lose the first
    confidential request that needs it."""
    from app.core.crypto import check_key

    check_key(app.config["FIELD_ENCRYPTION_KEY"])


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every table known before the engine is used)
    from app.core.database import configure_postgres, configure_sqlite
    from app.core.pool import engine_options
    from app.extensions import csrf, db, limiter, login_manager, mail, migrate
    from app.web.actor import init_actor
    from app.web.forms import init_forms
    from app.web.language import init_language
    from app.web.sessions import init_login

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    configure_sqlite(app)
    configure_postgres(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    init_forms()
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    init_language(app)
    init_actor(app)
    init_login(app)


def register_hostile_input(app: Flask) -> None:
    from app.web.hostile import init_hostile_input

    init_hostile_input(app)


def register_blueprints(app: Flask) -> None:
    from app.blueprints import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def register_error_pages(app: Flask) -> None:
    from app.web.errors import init_error_pages

    init_error_pages(app)


def register_security_headers(app: Flask) -> None:
    from app.web.headers import init_security_headers

    init_security_headers(app)


def register_template_helpers(app: Flask) -> None:
    from app.web.templating import init_templating

    init_templating(app)


def register_commands(app: Flask) -> None:
    from app.ops.cli import init_cli

    init_cli(app)
