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
- API_KEY: a program that sends an Open311 API key (api_key) with the request; nobody in
  the role matrix holds one, so everyone gets 403.
- MEMBER: any signed-in account (staff included); the view itself restricts to the
  member's own records.
- a frozenset of staff roles: signed-in accounts holding at least one of them. No role
  implies another: an admin does not work the dispatch queue or read the advocates' queue.
"""
from __future__ import annotations

PUBLIC = "public"
TOKEN = "token"
MEMBER = "member"
# A program holding an Open311 API key: no account is enough (or needed); without a key
# everyone, staff included, gets 403.
API_KEY = "api_key"

# The staff roles this table knows about. Adding a role to app.models.accounts.STAFF_ROLES
# fails the suite until each route below has been decided for it.
ROLES = ("dispatcher", "officer", "advocate", "trainer", "editor", "supervisor", "admin")

DISPATCHER = frozenset({"dispatcher"})
# Dispatchers and officers in the field: device look-up, a found device, a lock, photos.
FIELD = frozenset({"dispatcher", "officer"})
OFFICER = frozenset({"officer"})
ADVOCATE = frozenset({"advocate"})
TRAINER = frozenset({"trainer"})
EDITOR = frozenset({"editor"})
ADMIN = frozenset({"admin"})
SUPERVISOR = frozenset({"supervisor"})
# Who reads the board, the ticket pages and the closed-ticket history: dispatchers, and
# supervisors read-only (every POST on a ticket stays DISPATCHER).
BOARD_READERS = DISPATCHER | SUPERVISOR
# Who issues and updates urgent campus alerts (DESIGN.md: dispatchers, supervisors, admins).
ALERT_ISSUERS = frozenset({"dispatcher", "supervisor", "admin"})

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
    "admin.withdraw_advocate_request": ADMIN,  # POST /admin/users/<id>/advocate-request/withdraw
    "admin.disable_user": ADMIN,               # POST /admin/users/<id>/disable
    "admin.enable_user": ADMIN,                # POST /admin/users/<id>/enable
    "admin.audit_log": ADMIN,                  # /admin/audit
    "admin.api_keys": ADMIN,                   # /admin/api-keys (Open311 keys, services)
    "admin.rename_api_key": ADMIN,             # POST /admin/api-keys/<id>/name
    "admin.revoke_api_key": ADMIN,             # POST /admin/api-keys/<id>/revoke
    "admin.publish_services": ADMIN,           # POST /admin/api-keys/services
    "admin.locations": ADMIN,                  # /admin/locations
    "admin.new_location": ADMIN,               # /admin/locations/new
    "admin.edit_location": ADMIN,              # /admin/locations/<id>
    "admin.import_locations": ADMIN,           # /admin/locations/import (CSV room list)
    # Urgent campus alerts: everyone reads and subscribes; dispatch, supervisors, admins issue
    "alerts.archive": PUBLIC,                  # /alerts/
    "alerts.alert": PUBLIC,                    # /alerts/<id> (never one held for confirmation)
    "alerts.hide": PUBLIC,                     # POST /alerts/<id>/hide (a cookie, this visit)
    "alerts.feed": PUBLIC,                     # /alerts/feed.atom
    "alerts.cap_index": PUBLIC,                # /alerts/cap.atom
    "alerts.cap": PUBLIC,                      # /alerts/<id>/cap.xml
    "alerts.subscribe": PUBLIC,                # /alerts/subscribe
    "alerts.confirm_subscription": TOKEN,      # /alerts/subscribe/confirm/<token>
    "alerts.unsubscribe": TOKEN,               # /alerts/unsubscribe/<token>
    "alerts.manage": ALERT_ISSUERS,            # /alerts/manage
    "alerts.new": ALERT_ISSUERS,               # /alerts/manage/new
    "alerts.manage_alert": ALERT_ISSUERS,      # /alerts/manage/<id>
    "alerts.confirm": ALERT_ISSUERS,           # POST /alerts/manage/<id>/confirm
    "alerts.withdraw": ALERT_ISSUERS,          # POST /alerts/manage/<id>/withdraw
    "alerts.update": ALERT_ISSUERS,            # /alerts/manage/<id>/update
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
    "devices.report": ADMIN | SUPERVISOR,      # /devices/report (README: the ALERT report)
    "devices.report_chart": ADMIN | SUPERVISOR, # /devices/report.svg
    "devices.report_csv": ADMIN | SUPERVISOR,  # /devices/report.csv
    # Operations dashboard and shift reports: supervisors and admins; supervisors sign off
    "dashboard.home": SUPERVISOR | ADMIN,      # /dashboard/
    "dashboard.table_csv": SUPERVISOR | ADMIN,  # /dashboard/<name>.csv
    "dashboard.shift_report": SUPERVISOR | ADMIN,  # /dashboard/shift-report
    "dashboard.sign_off": SUPERVISOR,          # POST /dashboard/shift-report/<day>/<name>/sign-off
    # Dispatch console: dispatchers work the queue; officers see their own assignments
    "dispatch.queue": BOARD_READERS,           # /dispatch/
    "dispatch.bulk_close": DISPATCHER,         # POST /dispatch/bulk-close (junk, audited)
    "dispatch.officer_set_status": OFFICER,    # POST /dispatch/mine/status (own status)
    "stream.board": BOARD_READERS,             # /live/board (SSE: board kinds, never DV)
    "stream.officer": OFFICER,                 # /live/mine (SSE: own assignments only)
    "stream.advocate": ADVOCATE,               # /live/advocate (SSE: the DV queue)
    "stream.requester": TOKEN,                 # /live/ticket/<signed stream ticket>
    "dispatch.ticket": BOARD_READERS,          # /dispatch/tickets/<id>
    "dispatch.acknowledge": DISPATCHER,        # POST .../acknowledge
    "dispatch.assign": DISPATCHER,             # POST .../assign
    "dispatch.move": DISPATCHER,               # POST .../move
    "dispatch.change_priority": DISPATCHER,    # POST .../priority
    "dispatch.add_note": DISPATCHER,           # POST .../note
    "dispatch.message": DISPATCHER,            # POST .../message
    "dispatch.resolve": DISPATCHER,            # POST .../resolve
    "dispatch.cancel": DISPATCHER,             # POST .../cancel
    "dispatch.history": BOARD_READERS,         # /dispatch/history
    "dispatch.history_csv": BOARD_READERS,     # /dispatch/history.csv
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
    # Unit requests: members; the views serve employees only (others get a 403 page)
    "units.index": MEMBER,                     # /units/
    "units.choose_unit": MEMBER,               # /units/unit
    "units.request_form": MEMBER,              # /units/<slug>
    "units.confirmation": MEMBER,              # /units/confirmation/<ref> (this browser only)
    "units.my_unit": MEMBER,                   # /units/mine (the member's own unit only)
    # Service requests (outreach)
    "outreach.request_form": PUBLIC,           # /outreach/
    "outreach.request_type": PUBLIC,           # /outreach/<service_type>
    "outreach.confirmation": PUBLIC,           # /outreach/confirmation/<ref> (this browser only)
    # Incident reports
    "reports.start": PUBLIC,                   # /report/
    "reports.report": PUBLIC,                  # /report/<category>
    "reports.sent": PUBLIC,                    # /report/sent/<ref> (this browser only)
    "reports.add_photos": TOKEN,               # /report/<ref>/<token>/photos
    "reports.photo": FIELD | SUPERVISOR,       # /report/photo/<id> (uploads: staff who work it)
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
    "support.counts": ADVOCATE,                # /support/advocate/counts (per week, no content)
    "support.counts_csv": ADVOCATE,            # /support/advocate/counts.csv
    # Following a request
    "track.entry": PUBLIC,                     # /track/
    # Virtual walks (safety timer)
    "walks.start": PUBLIC,                     # /walk/
    "walks.ended": PUBLIC,                     # /walk/ended
    "walks.walk": TOKEN,                       # /walk/<token>
    "walks.safe": TOKEN,                       # POST /walk/<token>/safe
    "walks.more_time": TOKEN,                  # POST /walk/<token>/more-time
    "walks.help_now": TOKEN,                   # POST /walk/<token>/help
    "walks.position": TOKEN,                   # POST /walk/<token>/position
    "walks.stop_position": TOKEN,              # POST /walk/<token>/position/stop
    "walks.start_saved": MEMBER,               # POST /walk/saved/<id>/start
    "walks.delete_saved": MEMBER,              # POST /walk/saved/<id>/delete
    "track.follow": TOKEN,                     # /track/<ref>/<token>
    "track.follow_cancel": TOKEN,              # /track/<ref>/<token>/cancel
    "track.follow_message": TOKEN,             # POST /track/<ref>/<token>/message
    "track.mine": MEMBER,                      # /track/mine
    "track.mine_detail": MEMBER,               # /track/mine/<ref>
    "track.mine_cancel": MEMBER,               # /track/mine/<ref>/cancel
    "track.mine_message": MEMBER,              # POST /track/mine/<ref>/message
    # Open311 GeoReport v2 (/open311/v2/): reading is public and shows nothing personal;
    # filing a request needs an API key
    "open311.discovery": PUBLIC,               # /open311/v2/discovery.{xml,json}
    "open311.services": PUBLIC,                # /open311/v2/services.{xml,json}
    "open311.service_definition": PUBLIC,      # /open311/v2/services/<code>.{xml,json}
    "open311.locations": PUBLIC,               # /open311/v2/locations.{xml,json}
    "open311.requests": PUBLIC,                # GET /open311/v2/requests.{xml,json}
    "open311.single_request": PUBLIC,          # /open311/v2/requests/<id>.{xml,json}
    "open311.create_request": API_KEY,         # POST /open311/v2/requests.{xml,json}
    "open311.not_found": PUBLIC,               # /open311/v2/<anything else>: an errors 404
}


def allowed(expected, roles: set[str] | None) -> bool:
    """Whether a visitor with `roles` (None: not signed in) should get past the gate."""
    if expected in (PUBLIC, TOKEN):
        return True
    if roles is None or expected == API_KEY:
        return False
    if expected == MEMBER:
        return True
    return bool(roles & expected)
