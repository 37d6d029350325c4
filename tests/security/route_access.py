"""Who SHOULD be able to open each route: the expected access, written by hand.

This table is the specification that tests/security/test_route_roles.py holds the app to.
It is written from DESIGN.md's roles and README's "Roles and access", not copied from the
decorators: when a decorator and this table disagree, one of them is wrong, and the test says
which route. A new route fails the suite until it is named here; an entry whose route is gone
fails too.

Markers:
- PUBLIC: anyone, signed in or not.
- TOKEN: anyone who holds the secret in the URL (a follow-up, confirmation, reset or
  unsubscribe token); no account is needed, so for the role matrix it is public.
- MEMBER: any signed-in account (staff included); the view itself restricts to the
  member's own records.
- a frozenset of staff roles: signed-in accounts holding at least one of them. No role
  implies another: an admin does not work the dispatch queue or read the advocates' queue.
"""
from __future__ import annotations

PUBLIC = "public"
TOKEN = "token"
MEMBER = "member"

# The staff roles this table knows about. Adding a role to app.models.accounts.STAFF_ROLES
# fails the suite until each route below has been decided for it.
ROLES = ("dispatcher", "officer", "advocate", "trainer", "editor", "admin")

DISPATCHER = frozenset({"dispatcher"})
# Dispatchers and officers in the field: device look-up, a found device, a lock, photos.
FIELD = frozenset({"dispatcher", "officer"})
OFFICER = frozenset({"officer"})
ADVOCATE = frozenset({"advocate"})
TRAINER = frozenset({"trainer"})
EDITOR = frozenset({"editor"})
ADMIN = frozenset({"admin"})

EXPECTED_ACCESS: dict[str, object] = {
    # Public pages
    "main.home": PUBLIC,                       # /
    "main.accessibility": PUBLIC,              # /accessibility
    "main.privacy": PUBLIC,                    # /privacy
    "main.services": PUBLIC,                   # /services
    "main.service": PUBLIC,                    # /services/<slug>
    "main.language": PUBLIC,                   # /language/<code> (the language link)
    # Accounts
    "auth.login": PUBLIC,                      # /login
    "auth.logout": PUBLIC,                     # POST /logout (harmless when signed out)
    "auth.register": PUBLIC,                   # /register
    "auth.check_email": PUBLIC,                # /check-email
    "auth.forgot_password": PUBLIC,            # /forgot-password
    "auth.reset_password": TOKEN,              # /reset/<token>
    "auth.verify": TOKEN,                      # /verify/<token>
    "auth.resend_verification": PUBLIC,        # /verify/resend
    "auth.extend_session": MEMBER,             # POST /session/extend
    "auth.second_factor": PUBLIC,              # /login/code (only after a correct password)
    "account.two_factor": MEMBER,              # /account/two-step (enrol, replace, codes)
    "account.home": MEMBER,                    # /account/
    "account.profile": MEMBER,                 # /account/profile
    "account.change_password": MEMBER,         # /account/password
    # Admin: users and roles, locations, the audit log
    "admin.users": ADMIN,                      # /admin/
    "admin.user": ADMIN,                       # /admin/users/<id>
    "admin.user_roles": ADMIN,                 # POST /admin/users/<id>/roles
    "admin.reset_second_factor": ADMIN,        # POST /admin/users/<id>/second-factor/reset
    "admin.disable_user": ADMIN,               # POST /admin/users/<id>/disable
    "admin.enable_user": ADMIN,                # POST /admin/users/<id>/enable
    "admin.audit_log": ADMIN,                  # /admin/audit
    "admin.locations": ADMIN,                  # /admin/locations
    "admin.new_location": ADMIN,               # /admin/locations/new
    "admin.edit_location": ADMIN,              # /admin/locations/<id>
    # APB newsletter: public reading and subscription, the editor writes
    "apb.archive": PUBLIC,                     # /apb/
    "apb.issue": PUBLIC,                       # /apb/issues/<slug>
    "apb.feed": PUBLIC,                        # /apb/feed.atom
    "apb.subscribe": PUBLIC,                   # /apb/subscribe
    "apb.confirm": TOKEN,                      # /apb/confirm/<token>
    "apb.unsubscribe": TOKEN,                  # /apb/unsubscribe/<token>
    "apb.resubscribe": TOKEN,                  # POST /apb/resubscribe/<token>
    "apb.manage": EDITOR,                      # /apb/manage
    "apb.new_issue": EDITOR,                   # /apb/manage/new
    "apb.edit_issue": EDITOR,                  # /apb/manage/<id>/edit
    "apb.preview": EDITOR,                     # /apb/manage/<id>/preview
    "apb.email_preview": EDITOR,               # /apb/manage/<id>/email-preview
    "apb.publish": EDITOR,                     # POST /apb/manage/<id>/publish
    "apb.unschedule": EDITOR,                  # POST /apb/manage/<id>/unschedule
    # ALERT device registry: members register their own; field staff look up and lock
    "devices.alert": PUBLIC,                   # /devices/
    "devices.register_device": MEMBER,         # /devices/register
    "devices.mine": MEMBER,                    # /devices/mine
    "devices.card": MEMBER,                    # /devices/<id>/card (own devices)
    "devices.edit_device": MEMBER,             # /devices/<id>/edit
    "devices.retire_device": MEMBER,           # /devices/<id>/retire
    "devices.report_stolen": MEMBER,           # /devices/<id>/stolen
    "devices.request_lockdown": MEMBER,        # /devices/lockdown
    "devices.lookup": FIELD,                   # /devices/lookup
    "devices.staff_device": FIELD,             # /devices/staff/<id>
    "devices.photo": FIELD,                    # /devices/staff/<id>/photo
    "devices.mark_recovered": FIELD,           # POST /devices/staff/<id>/recovered
    "devices.record_lock": FIELD,              # POST /devices/lockdowns/<id>/lock
    "devices.report": ADMIN,                   # /devices/report (README: the ALERT report)
    "devices.report_chart": ADMIN,             # /devices/report.svg
    "devices.report_csv": ADMIN,               # /devices/report.csv
    # Dispatch console: dispatchers work the queue; officers see their own assignments
    "dispatch.queue": DISPATCHER,              # /dispatch/
    "dispatch.bulk_close": DISPATCHER,         # POST /dispatch/bulk-close (junk, audited)
    "dispatch.officer_set_status": OFFICER,    # POST /dispatch/mine/status (own status)
    "stream.board": DISPATCHER,                # /live/board (SSE: board kinds, never DV)
    "stream.officer": OFFICER,                 # /live/mine (SSE: own assignments only)
    "stream.advocate": ADVOCATE,               # /live/advocate (SSE: the DV queue)
    "stream.requester": TOKEN,                 # /live/ticket/<signed stream ticket>
    "dispatch.ticket": DISPATCHER,             # /dispatch/tickets/<id>
    "dispatch.acknowledge": DISPATCHER,        # POST .../acknowledge
    "dispatch.assign": DISPATCHER,             # POST .../assign
    "dispatch.move": DISPATCHER,               # POST .../move
    "dispatch.change_priority": DISPATCHER,    # POST .../priority
    "dispatch.add_note": DISPATCHER,           # POST .../note
    "dispatch.message": DISPATCHER,            # POST .../message
    "dispatch.resolve": DISPATCHER,            # POST .../resolve
    "dispatch.cancel": DISPATCHER,             # POST .../cancel
    "dispatch.history": DISPATCHER,            # /dispatch/history
    "dispatch.history_csv": DISPATCHER,        # /dispatch/history.csv
    "dispatch.my_assignments": OFFICER,        # /dispatch/mine
    "dispatch.officer_ticket": OFFICER,        # /dispatch/mine/<id>
    "dispatch.officer_move": OFFICER,          # POST /dispatch/mine/<id>/<step>
    "dispatch.officer_resolve": OFFICER,       # POST /dispatch/mine/<id>/resolve
    # Escorts
    "escorts.new": PUBLIC,                     # /escorts/
    "escorts.confirmation": PUBLIC,            # /escorts/confirmation/<ref> (this browser only)
    "escorts.recurring": MEMBER,               # /escorts/recurring
    "escorts.recurring_new": MEMBER,           # /escorts/recurring/new
    "escorts.recurring_cancel": MEMBER,        # POST /escorts/recurring/<id>/cancel
    "escorts.recurring_skip": MEMBER,          # POST /escorts/recurring/<id>/skip
    # Service requests (outreach)
    "outreach.request_form": PUBLIC,           # /outreach/
    "outreach.request_type": PUBLIC,           # /outreach/<service_type>
    "outreach.confirmation": PUBLIC,           # /outreach/confirmation/<ref> (this browser only)
    # Incident reports
    "reports.start": PUBLIC,                   # /report/
    "reports.report": PUBLIC,                  # /report/<category>
    "reports.sent": PUBLIC,                    # /report/sent/<ref> (this browser only)
    "reports.add_photos": TOKEN,               # /report/<ref>/<token>/photos
    "reports.photo": FIELD,                    # /report/photo/<id> (uploads: staff who work it)
    "reports.close_report": DISPATCHER,        # POST /report/<id>/close
    # Seminars
    "seminars.catalogue": PUBLIC,              # /seminars/
    "seminars.detail": PUBLIC,                 # /seminars/<slug>
    "seminars.register": PUBLIC,               # /seminars/sessions/<id>/register
    "seminars.check_email": PUBLIC,            # /seminars/sessions/<id>/check-email
    "seminars.session_ics": PUBLIC,            # /seminars/sessions/<id>/calendar.ics
    "seminars.confirm": TOKEN,                 # /seminars/confirm/<token>
    "seminars.cancel_link": TOKEN,             # /seminars/registration/<token>/cancel
    "seminars.mine": MEMBER,                   # /seminars/mine
    "seminars.cancel_mine": MEMBER,            # POST /seminars/mine/<id>/cancel
    "seminars.history": MEMBER,                # /seminars/history
    "seminars.manage": TRAINER,                # /seminars/manage
    "seminars.new_seminar": TRAINER,           # /seminars/manage/seminars/new
    "seminars.edit_seminar": TRAINER,          # /seminars/manage/seminars/<id>/edit
    "seminars.new_session": TRAINER,           # /seminars/manage/seminars/<id>/sessions/new
    "seminars.roster": TRAINER,                # /seminars/manage/sessions/<id>
    "seminars.roster_csv": TRAINER,            # /seminars/manage/sessions/<id>/roster.csv
    "seminars.attendance": TRAINER,            # POST /seminars/manage/sessions/<id>/attendance
    "seminars.edit_session": TRAINER,          # /seminars/manage/sessions/<id>/edit
    "seminars.cancel_session": TRAINER,        # /seminars/manage/sessions/<id>/cancel
    "seminars.message": TRAINER,               # /seminars/manage/sessions/<id>/message
    # Confidential support (DV): anyone may ask; only advocates read
    "support.start": PUBLIC,                   # /support/
    "support.browse_safely": PUBLIC,           # /support/browse-safely
    "support.request_form": PUBLIC,            # /support/request
    "support.received": PUBLIC,                # /support/received (shown once, from session)
    "support.quick_exit": PUBLIC,              # /support/exit
    "support.follow": TOKEN,                   # /support/follow/<ref>/<token>
    "support.mine_detail": MEMBER,             # /support/mine/<ref> (own request)
    "support.queue": ADVOCATE,                 # /support/advocate/
    "support.case": ADVOCATE,                  # /support/advocate/<id>
    "support.acknowledge": ADVOCATE,           # POST .../acknowledge
    "support.note": ADVOCATE,                  # POST .../note
    "support.message": ADVOCATE,               # POST .../message
    "support.escort": ADVOCATE,                # POST .../escort
    "support.alert": ADVOCATE,                 # POST .../alert
    "support.close": ADVOCATE,                 # POST .../close
    "support.access_requests": ADVOCATE,       # /support/advocate/access (two-person rule)
    "support.approve_access": ADVOCATE,        # POST /support/advocate/access/<id>/approve
    "support.decline_access": ADVOCATE,        # POST /support/advocate/access/<id>/decline
    "support.dv_audit": ADVOCATE,              # /support/advocate/audit (DV-only audit chain)
    # Following a request
    "track.entry": PUBLIC,                     # /track/
    "track.follow": TOKEN,                     # /track/<ref>/<token>
    "track.follow_cancel": TOKEN,              # /track/<ref>/<token>/cancel
    "track.follow_message": TOKEN,             # POST /track/<ref>/<token>/message
    "track.mine": MEMBER,                      # /track/mine
    "track.mine_detail": MEMBER,               # /track/mine/<ref>
    "track.mine_cancel": MEMBER,               # /track/mine/<ref>/cancel
    "track.mine_message": MEMBER,              # POST /track/mine/<ref>/message
}


def allowed(expected, roles: set[str] | None) -> bool:
    """Whether a visitor with `roles` (None: not signed in) should get past the gate."""
    if expected in (PUBLIC, TOKEN):
        return True
    if roles is None:
        return False
    if expected == MEMBER:
        return True
    return bool(roles & expected)
