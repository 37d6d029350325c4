"""Admin rules that must hold under concurrency: the portal never loses its last admin."""
from __future__ import annotations

import threading

import pytest

from app.extensions import db as _db
from app.models.accounts import User
from app.services import admin


def test_two_admins_removing_each_other_at_once_leave_one_admin(app, db, make_user):
    first = make_user(roles=("admin",)).id
    second = make_user(roles=("admin",)).id
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def remove(actor_id: int, target_id: int) -> None:
        with app.app_context():
            actor = _db.session.get(User, actor_id)
            barrier.wait()
            try:
                admin.set_roles(actor, target_id, [])
                outcomes[actor_id] = "removed"
            except admin.AdminError:
                outcomes[actor_id] = "refused"

    threads = [threading.Thread(target=remove, args=(first, second)),
               threading.Thread(target=remove, args=(second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes.values()) == ["refused", "removed"]
    db.session.rollback()  # end this session's read snapshot (SQLite WAL)
    admins = [u for u in db.session.query(User).all() if "admin" in u.role_names]
    assert len(admins) == 1


def test_unknown_roles_are_refused(app, db, make_user):
    actor = make_user(roles=("admin",))
    target = make_user()
    with pytest.raises(admin.AdminError):
        admin.set_roles(actor, target.id, ["superuser"])


def test_the_last_admin_account_cannot_be_disabled_even_by_itself(app, db, make_user):
    actor = make_user(roles=("admin",))
    with pytest.raises(admin.AdminError):
        admin.set_account_active(actor, actor.id, False)
