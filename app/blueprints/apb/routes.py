"""The APB newsletter: archive, issues, Atom feed, subscriptions and the editors' pages."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.apb import bp
from app.blueprints.apb.forms import ActionForm, IssueForm, SubscribeForm
from app.core import tokens
from app.core.timezones import to_utc
from app.extensions import csrf, db
from app.models.apb import NewsletterIssue
from app.services import apb
from app.web.access import public, roles_required
from app.web.hostile import int_arg, text_arg
from app.web.language import as_recorded, chosen_language, page_language
from app.web.rate_limits import SIGNUPS, form_limit


@bp.route("/")
@public
def archive():
    query = text_arg("q", 200)
    issues = apb.published_issues(query, int_arg("page", 1))
    return render_template("apb/archive.html", issues=issues, query=query,
        title=_("APB newsletter"))


@bp.route("/issues/<slug>")
@public
def issue(slug: str):
    found = apb.published_issue(slug)
    if found is None:
        abort(404)
    return render_template("apb/issue.html", issue=found, title=found.title)


@bp.route("/feed.atom")
@public
def feed():
    body = render_template("apb/feed.xml", issues=apb.latest_issues())
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    return response


def _subscribe_page(form: SubscribeForm | None = None):
    subscription = apb.subscription_of(current_user) if current_user.is_authenticated else None
    return render_template("apb/subscribe.html", form=form or SubscribeForm(),
                           subscription=subscription, title=_("Subscribe to the APB"))


@bp.route("/subscribe", methods=["GET", "POST"])
@public
@form_limit(SIGNUPS, _subscribe_page)
def subscribe():
    form = SubscribeForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.email.data = current_user.email
    if form.validate_on_submit():
        apb.subscribe(form.email.data, current_user, page_language())
        return render_template("apb/subscribe_sent.html", title=_("Check your email"))
    return _subscribe_page(form)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token: str):
    """The page opens in the language the person subscribed in (the mail's), unless they
    choose another here; confirming keeps that choice."""
    try:
        subscriber = apb.subscriber_for_confirm(token)
    except tokens.InvalidToken as error:
        return _bad_link(error)
    with as_recorded(subscriber.language):
        form = ActionForm()
        if form.validate_on_submit():
            try:
                apb.confirm(token, chosen_language())
            except tokens.InvalidToken as error:
                return _bad_link(error)
            return render_template("apb/confirmed.html", title=_("Subscription confirmed"))
        return render_template("apb/confirm.html", form=form,
                               title=_("Confirm your subscription"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def unsubscribe(token: str):
    """GET asks; POST (our button, or a mail client's RFC 8058 one-click) unsubscribes."""
    try:
        subscriber = apb.subscriber_for_unsubscribe(token)
        if request.method == "POST":
            subscriber = apb.unsubscribe(token)
    except tokens.InvalidToken as error:
        return _bad_link(error)
    with as_recorded(subscriber.language):
        return render_template("apb/unsubscribe.html", subscriber=subscriber, token=token,
                               form=ActionForm(), title=_("Unsubscribe from the APB"))


@bp.route("/resubscribe/<token>", methods=["POST"])
@public
def resubscribe(token: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        apb.resubscribe(token)
    except tokens.InvalidToken as error:
        return _bad_link(error)
    flash(_("You are subscribed to the APB again."), "success")
    return redirect(url_for("apb.unsubscribe", token=token))


def _bad_link(error: tokens.InvalidToken):
    return render_template("apb/bad_link.html", expired=error.expired,
                           title=_("This link does not work")), 400


# Editors -------------------------------------------------------------------------------

@bp.route("/manage")
@roles_required("editor")
def manage():
    issues = apb.all_issues()
    counts = {issue.id: apb.delivery_counts(issue) for issue in issues if issue.is_published}
    return render_template("apb/manage.html", issues=issues, counts=counts,
                           action=ActionForm(), title="APB editor")


@bp.route("/manage/new", methods=["GET", "POST"])
@roles_required("editor")
def new_issue():
    return _edit(None)


@bp.route("/manage/<int:issue_id>/edit", methods=["GET", "POST"])
@roles_required("editor")
def edit_issue(issue_id: int):
    return _edit(db.get_or_404(NewsletterIssue, issue_id))


def _edit(issue: NewsletterIssue | None):
    form = IssueForm(obj=issue)
    if request.method == "GET" and issue is not None:
        form.body.data, form.version.data = issue.body_markdown, issue.version
    if form.validate_on_submit():
        try:
            saved = _save_and_act(issue, form)
        except apb.ApbError as error:
            form.form_errors.append(str(error))
        else:
            return redirect(url_for("apb.preview", issue_id=saved.id))
    preview_html = apb.render_markdown(form.body.data or "") if form.body.data else None
    return render_template("apb/edit.html", form=form, issue=issue, preview_html=preview_html,
                           title="Edit APB issue" if issue else "New APB issue")


def _save_and_act(issue: NewsletterIssue | None, form: IssueForm) -> NewsletterIssue:
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    saved = apb.save_issue(current_user, issue.id if issue else None, form.title.data,
                           form.summary.data, form.body.data, version)
    action = request.form.get("action", "save")
    if action == "publish":
        apb.publish_now(current_user, saved.id)
        flash("Published. It is being sent to subscribers now.", "success")
    elif action == "schedule":
        if form.publish_at.data is None:
            raise apb.ApbError("Choose when to publish, or save it as a draft.")
        apb.schedule(current_user, saved.id, to_utc(form.publish_at.data))
        flash("Scheduled.", "success")
    else:
        flash("Saved.", "success")
    return saved


@bp.route("/manage/<int:issue_id>/preview")
@roles_required("editor")
def preview(issue_id: int):
    issue = db.get_or_404(NewsletterIssue, issue_id)
    email_text = render_template("email/apb_issue.txt", issue=issue, issue_url="(link)",
                                 unsubscribe_url="(unsubscribe link)", **apb.mail_bodies(issue))
    return render_template("apb/preview.html", issue=issue, email_text=email_text,
                           counts=apb.delivery_counts(issue), action=ActionForm(),
                           title=f"Preview: {issue.title}")


@bp.route("/manage/<int:issue_id>/email-preview")
@roles_required("editor")
def email_preview(issue_id: int):
    issue = db.get_or_404(NewsletterIssue, issue_id)
    return render_template("email/apb_issue.html", issue=issue, issue_url="#",
                           unsubscribe_url="#", **apb.mail_bodies(issue))


@bp.route("/manage/<int:issue_id>/publish", methods=["POST"])
@roles_required("editor")
def publish(issue_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        apb.publish_now(current_user, issue_id)
    except apb.ApbError:
        abort(404)
    flash("Published. It is being sent to subscribers now.", "success")
    return redirect(url_for("apb.preview", issue_id=issue_id))


@bp.route("/manage/<int:issue_id>/unschedule", methods=["POST"])
@roles_required("editor")
def unschedule(issue_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        apb.unschedule(current_user, issue_id)
    except apb.ApbError:
        abort(404)
    flash("Back to draft: it will not be published until you publish or schedule it.", "success")
    return redirect(url_for("apb.preview", issue_id=issue_id))
