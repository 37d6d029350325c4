"""Home, the services directory, the guidance pages, accessibility and privacy."""
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.auth.safety import safe_next
from app.blueprints.main import bp, catalog
from app.blueprints.main.links import action_links
from app.core.i18n import known_language
from app.services import accounts
from app.web.access import public
from app.web.language import remember_language


@bp.route("/")
@public
def home():
    return render_template(
        "main/home.html", title=_("Home"), groups=catalog.grouped(),
        emergencies=catalog.emergencies(),
    )


@bp.route("/services")
@public
def services():
    return render_template("main/services.html", title=_("Our services"),
                           groups=catalog.grouped(), action_links=action_links)


@bp.route("/services/<slug>")
@public
def service(slug: str):
    found = catalog.get(slug)
    if found is None:
        abort(404)
    return render_template("main/service.html", title=found.name, service=found,
                           actions=action_links(found))


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html", title=_("Accessibility statement"))


@bp.route("/privacy")
@public
def privacy():
    return render_template("main/privacy.html", title=_("Privacy notice"),
                           dv_retention_days=current_app.config["DV_RETENTION_DAYS"])


@bp.route("/language/<code>")
@public
def language(code: str):
    """The language link: remember the choice in its cookie and go back to the page."""
    chosen = known_language(code)
    if chosen is None:
        abort(404)
    back = safe_next(request.args.get("next")) or url_for("main.home")
    if current_user.is_authenticated:
        accounts.choose_language(current_user, chosen)
    return remember_language(redirect(back, 303), chosen)
