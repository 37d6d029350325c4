"""Admin pages of the Open311 API: its keys (list, rename, revoke) and what it publishes.

Keys are made on the command line (`flask open311 create-key NAME`), which prints the key
once; these pages never show a key, only its first characters.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from app.blueprints.admin import bp
from app.services import open311, open311_keys
from app.web.access import roles_required
from app.web.forms import (
    MultiCheckboxField,
    no_control_chars,
    scope_ids,
    select_choices,
    single_line,
    strip_text,
)


class KeyNameForm(FlaskForm):
    name = StringField("New name", filters=[strip_text], validators=[
        InputRequired("Give the key a name."), Length(max=80), no_control_chars, single_line])


class RevokeForm(FlaskForm):
    """Only the CSRF token."""


class PublishForm(FlaskForm):
    codes = MultiCheckboxField("Published services")


def _publish_form(**kwargs) -> PublishForm:
    form = PublishForm(**kwargs)
    form.codes.choices = select_choices(
        {code: f"{service.name} ({code})" for code, service in open311.SERVICES.items()})
    return form


def _rows(rename: KeyNameForm | None, renamed_id: int | None) -> list[tuple]:
    """(key, its rename form, its revoke form) for every key, ids unique on the page."""
    rows = []
    for key in open311_keys.list_keys():
        name_form = rename if rename is not None and key.id == renamed_id else \
            KeyNameForm(formdata=None, name=key.name)
        rows.append((key, scope_ids(name_form, key.id),
                     scope_ids(RevokeForm(formdata=None), f"revoke-{key.id}")))
    return rows


def _page(status: int = 200, rename: KeyNameForm | None = None, renamed_id: int | None = None,
          publish: PublishForm | None = None):
    return render_template(
        "admin/api_keys.html", rows=_rows(rename, renamed_id), title="API keys",
        publish_form=publish or _publish_form(formdata=None,
                                              codes=sorted(open311.published_codes())),
    ), status


@bp.route("/api-keys")
@roles_required("admin")
def api_keys():
    return _page()


def _key_or_404(key_id: int):
    key = open311_keys.get_key(key_id)
    if key is None:
        abort(404)
    return key


@bp.route("/api-keys/<int:key_id>/name", methods=["POST"])
@roles_required("admin")
def rename_api_key(key_id: int):
    key = _key_or_404(key_id)
    form = KeyNameForm()
    if not form.validate():
        return _page(400, rename=form, renamed_id=key.id)
    try:
        open311_keys.rename_key(key.id, form.name.data, current_user)
    except open311_keys.ApiKeyError as error:
        form.name.errors.append(str(error))
        return _page(400, rename=form, renamed_id=key.id)
    flash(f"The key is now named {form.name.data}.", "success")
    return redirect(url_for("admin.api_keys"), 303)


@bp.route("/api-keys/<int:key_id>/revoke", methods=["POST"])
@roles_required("admin")
def revoke_api_key(key_id: int):
    key = _key_or_404(key_id)
    if not RevokeForm().validate():
        abort(400)
    open311_keys.revoke_key(key.id, current_user)
    flash(f"The key of {key.name} is revoked: the API refuses it from now on.", "success")
    return redirect(url_for("admin.api_keys"), 303)


@bp.route("/api-keys/services", methods=["POST"])
@roles_required("admin")
def publish_services():
    form = _publish_form()
    if not form.validate():
        return _page(400, publish=form)
    published = open311.set_published(set(form.codes.data or []), current_user)
    flash(f"The API now publishes {len(published)} services.", "success")
    return redirect(url_for("admin.api_keys"), 303)
