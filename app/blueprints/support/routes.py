"""Routes of the support section: the person's pages, then the advocates' queue.

Every response of this blueprint is no-store and no-referrer. Advocate routes allow the
advocate role only (not admin); a signed-in account without it is refused with 403 and the
attempt is audited ("dv.denied") before the refusal.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.stream.live import live_attributes
from app.blueprints.support import bp, history
from app.blueprints.support.forms import (
    AlertForm,
    CloseForm,
    EscortForm,
    MessageForm,
    NoteForm,
    ReplyForm,
    RequestForm,
)
from app.core.i18n import lazy_gettext as _l
from app.core.timezones import to_utc
from app.services import support as service
from app.services.dispatch import DispatchError, TicketConflict
from app.web.access import member, public, roles_required, rule_of
from app.web.headers import no_store
from app.web.rate_limits import REPLIES, TICKETS, form_limit

TITLE = _l("Support request")


@bp.before_request
def _private_and_guarded():
    no_store()
    view = current_app.view_functions.get(request.endpoint or "")
    rule = rule_of(view) if view else None
    if not isinstance(rule, frozenset):
        # A person's page: after a quick exit, every one of them is the neutral site.
        return history.to_neutral() if history.has_left() else None
    if current_user.is_authenticated and not current_user.has_any_role(rule):
        service.record_denied(current_user._get_current_object(), request.endpoint)
    return None


@bp.context_processor
def _safety_numbers():
    config = current_app.config
    return {"dv_neutral_url": config["DV_NEUTRAL_URL"],
            "dv_national_hotline": config["DV_NATIONAL_HOTLINE"],
            "dv_advocacy_phone": config["DV_ADVOCACY_PHONE"]}


# --- the person's pages ------------------------------------------------------------------

@bp.route("/")
@public
def start():
    return render_template("support/start.html", title=TITLE)


@bp.route("/browse-safely")
@public
def browse_safely():
    return render_template("support/browse_safely.html", title=TITLE)


@bp.route("/exit")
@public
def quick_exit():
    """The quick exit: go to the neutral site, and make this section's pages lead there too."""
    return history.leave()


def _request_form() -> RequestForm:
    form = _checked(RequestForm)
    if not current_user.is_authenticated:
        del form.show_in_my_requests
    return form


def _refilled():
    """The rate limit's answer: the form as sent, inside the DV layout (quick exit, note)."""
    return render_template("support/request.html", title=TITLE, form=_request_form())


@bp.route("/request", methods=["GET", "POST"])
@public
@form_limit(TICKETS, _refilled)
def request_form():
    form = _request_form()
    if request.method == "POST" and not form.validate():
        return history.stash_errors() or _request_page(form)
    if request.method != "POST":
        return _request_page(form)
    opened = service.submit_request(_request_data(form), current_user._get_current_object(),
                                    form.submission_key.data)
    history.remember_sent(opened.ticket.reference, opened.token, opened.mail_held)
    return redirect(url_for(".received"), 303)


def _checked(form_class):
    """The page's form: what was posted, or what was posted just before (shown with its
    errors after the redirect), or an empty one."""
    stashed = history.stashed_form() if request.method == "GET" else None
    form = form_class(formdata=stashed) if stashed is not None else form_class()
    if stashed is not None:
        form.validate()
    return form


def _request_page(form: RequestForm):
    status = 400 if form.errors else 200
    return render_template("support/request.html", title=TITLE, form=form), status


@bp.route("/received")
@public
def received():
    """The confirmation after sending, shown once (the private link is shown only once)."""
    sent = history.sent_once()
    if sent is None:
        return redirect(url_for(".start"), 303)
    reference, token, mail_held = sent
    return render_template("support/sent.html", title=TITLE, reference=reference, token=token,
                           mail_held=mail_held)


def _request_data(form: RequestForm) -> service.RequestData:
    opt_in = form.show_in_my_requests.data if "show_in_my_requests" in form else False
    method = form.contact_method.data
    return service.RequestData(
        help_kinds=form.help_kinds.data, details=form.details.data or None,
        contact_method=method, contact_value=form.contact_value() or None,
        preferred_name=form.preferred_name.data or None,
        in_person_place=(form.in_person_place.data or None) if method == "in_person" else None,
        in_person_time=(form.in_person_time.data or None) if method == "in_person" else None,
        safe_times=form.safe_times.data or None,
        may_leave_message=form.may_leave_message.data == "yes",
        email_is_safe=bool(form.email_is_safe.data), code_word=form.code_word.data or None,
        show_in_my_requests=bool(opt_in))


@bp.route("/follow/<reference>/<token>", methods=["GET", "POST"])
@public
@form_limit(REPLIES, lambda reference, token: _follow_page(
    service.person_view(reference, token), ReplyForm()))
def follow(reference: str, token: str):
    return _reply_page(lambda: service.person_view(reference, token),
                       lambda body: service.person_reply(reference, token, body),
                       url_for(".follow", reference=reference, token=token))


@bp.route("/mine/<reference>", methods=["GET", "POST"])
@member
@form_limit(REPLIES, lambda reference: _follow_page(
    service.member_view(reference, current_user._get_current_object()), ReplyForm()))
def mine_detail(reference: str):
    """A request the signed-in person chose to see under "My requests"."""
    user = current_user._get_current_object()
    return _reply_page(lambda: service.member_view(reference, user),
                       lambda body: service.member_reply(reference, user, body),
                       url_for(".mine_detail", reference=reference))


def _reply_page(view, send, here: str):
    """The person's page of one request and their reply form (post/redirect/get)."""
    form = _checked(ReplyForm)
    if request.method != "POST":
        return _follow_page(view(), form)
    if not form.validate():
        return history.stash_errors() or _follow_page(view(), form)
    try:
        send(form.body.data)
    except service.UnknownRequest:
        return _follow_page(None, form)
    except service.SupportError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Your message was sent to the advocate."), "success")
    return redirect(here, 303)


def _follow_page(ticket, form: ReplyForm):
    if ticket is None:
        return render_template("support/not_found.html", title=TITLE), 404
    live = live_attributes(ticket) if ticket.is_open and not ticket.is_tombstone else None
    return render_template("support/follow.html", title=TITLE, ticket=ticket, form=form,
                           lines=service.person_timeline(ticket), live=live,
                           ), 400 if form.errors else 200


# --- the advocates' queue ----------------------------------------------------------------

@bp.route("/advocate/")
@roles_required("advocate")
def queue():
    service.audit_queue_view(current_user._get_current_object())
    return render_template("support/advocate/queue.html", title="Advocate queue",
                           requests=service.queue(), closed=service.recently_closed(),
                           counts=service.counts())


@bp.route("/advocate/<int(signed=True):ticket_id>")
@roles_required("advocate")
def case(ticket_id: int):
    ticket = service.view_request(ticket_id, current_user._get_current_object())
    if ticket is None:
        abort(404)
    return _case_page(ticket)


def _case_page(ticket, status: int = 200, **forms):
    forms.setdefault("note_form", NoteForm(formdata=None, prefix="note"))
    forms.setdefault("message_form", MessageForm(formdata=None, prefix="message"))
    forms.setdefault("close_form", CloseForm(formdata=None, prefix="close",
                                             version=ticket.version))
    forms.setdefault("escort_form", EscortForm(formdata=None, prefix="escort"))
    forms.setdefault("alert_form", AlertForm(formdata=None, prefix="alert"))
    return render_template("support/advocate/case.html", title=f"Request {ticket.reference}",
                           ticket=ticket, **forms), status


def _after(ticket_id: int, action, form, form_name: str, done: str):
    """Run one advocate action; on a refusal, show the request page again with the error."""
    actor = current_user._get_current_object()
    if form is not None and not form.validate_on_submit():
        return _refused(ticket_id, actor, None, **{form_name: form})
    try:
        action(actor)
    except TicketConflict:
        flash("This request changed while you were looking at it. Check it again.", "warning")
    except DispatchError as exc:
        return _refused(ticket_id, actor, str(exc), **({form_name: form} if form else {}))
    else:
        flash(done, "success")
    return redirect(url_for(".case", ticket_id=ticket_id), 303)


def _refused(ticket_id: int, actor, message: str | None, **forms):
    ticket = service.view_request(ticket_id, actor)
    if ticket is None:
        abort(404)
    if message:
        flash(message, "error")
    return _case_page(ticket, 400, **forms)


@bp.route("/advocate/<int(signed=True):ticket_id>/acknowledge", methods=["POST"])
@roles_required("advocate")
def acknowledge(ticket_id: int):
    version = request.form.get("version", type=int)
    return _after(ticket_id, lambda actor: service.acknowledge(ticket_id, actor, version),
                  None, "", "Acknowledged.")


@bp.route("/advocate/<int(signed=True):ticket_id>/note", methods=["POST"])
@roles_required("advocate")
def note(ticket_id: int):
    form = NoteForm(prefix="note")
    return _after(ticket_id, lambda actor: service.add_note(ticket_id, actor, form.body.data),
                  form, "note_form", "Note added.")


@bp.route("/advocate/<int(signed=True):ticket_id>/message", methods=["POST"])
@roles_required("advocate")
def message(ticket_id: int):
    form = MessageForm(prefix="message")
    return _after(ticket_id, lambda actor: service.message_person(ticket_id, actor,
                                                                  form.body.data),
                  form, "message_form", "Message sent to the private page.")


@bp.route("/advocate/<int(signed=True):ticket_id>/close", methods=["POST"])
@roles_required("advocate")
def close(ticket_id: int):
    form = CloseForm(prefix="close")
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    return _after(ticket_id, lambda actor: service.close_request(
        ticket_id, actor, version, form.outcome.data, form.note.data), form, "close_form",
        "Request closed.")


@bp.route("/advocate/<int(signed=True):ticket_id>/escort", methods=["POST"])
@roles_required("advocate")
def escort(ticket_id: int):
    form = EscortForm(prefix="escort")
    return _after(ticket_id, lambda actor: _create_escort(ticket_id, actor, form), form,
                  "escort_form", "Escort created for dispatch.")


def _create_escort(ticket_id: int, actor, form: EscortForm):
    when = form.when.data
    requested_for = to_utc(when) if when else None
    return service.create_escort(ticket_id, actor, service.LinkedEscort(
        meet=form.meet.data, meet_at=form.meet_at.data, going_to=form.going_to.data,
        requested_for=requested_for, phone=form.phone.data))


@bp.route("/advocate/<int(signed=True):ticket_id>/alert", methods=["POST"])
@roles_required("advocate")
def alert(ticket_id: int):
    form = AlertForm(prefix="alert")
    return _after(ticket_id, lambda actor: service.create_alert(
        ticket_id, actor, person_description=form.person_description.data,
        keep_out_of=form.keep_out_of.data, valid_until=form.valid_until.data,
        instructions=form.instructions.data), form, "alert_form",
        "Workplace alert created for dispatch.")
