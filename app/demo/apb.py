"""Demo APB issues: a theft alert, a prevention tip and seminar news."""
from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models.apb import CONFIRMED, PUBLISHED, NewsletterIssue, Subscriber
from app.models.base import utcnow
from app.services.apb import _slug_base, render_markdown

ORDER = 80

ISSUES = [
    (
        75,
        "Theft alert: laptops taken from unlocked offices in the Research Tower",
        "Three laptops were taken from unlocked offices on floors 4 and 6 over two weekends. "
        "Lock your door, cable-lock your laptop and register it with ALERT.",
        """## What happened
Between Friday evening and Monday morning on two recent weekends, three laptops were taken
from unlocked offices on floors 4 and 6 of the Research Tower. There were no signs of forced
entry. Officers have increased weekend patrols of the tower.

## What you can do
- **Lock your office door** whenever you leave, even for a few minutes.
- **Cable-lock your laptop** to your desk. The division installs security cables for free:
  request a lockdown through the ALERT program.
- **Register your devices** with ALERT so that a recovered laptop can be returned to you.
- **Report anyone you do not recognise** trying office doors: call dispatch, 24 hours a day.

If you have information about these thefts, call dispatch. You may stay anonymous.
""",
    ),
    (
        45,
        "Prevention tip: walking to your car after a late shift",
        "Plan your route, keep your keys in hand and ask for a free security escort "
        "at any hour.",
        """## Before you leave
- Check the time of the last shuttle and plan a well-lit route.
- **Request a security escort** from the portal or by calling dispatch. Escorts run 24 hours a
  day, to any garage, lot or transit stop on campus.

## On the way
- Walk with others when you can, and keep your phone in your pocket rather than your hand.
- Have your keys ready before you reach the car; look inside before you get in.
- Use the blue-light emergency phones in every garage if you feel unsafe.

> An escort is never a bother: officers would rather walk with you than respond to an incident.
""",
    ),
    (
        12,
        "Seminars this season: active-shooter response and de-escalation",
        "New sessions of our most requested seminars are open for registration, "
        "some open to the public.",
        """## New sessions
- **Active-shooter response (Run, Hide, Fight)**: 90 minutes, open to employees.
- **De-escalation for front-line staff**: two hours, with role play.
- **Workplace violence prevention**: for managers and team leads.
- **Crime prevention for visitors and families**: open to the public.

Seats are limited and some sessions are nearly full. If a session is full, join its
waitlist: you are told by email as soon as a seat frees up.

Departments can also request a **safety and security presentation** for their team.
""",
    ),
]


def seed() -> None:
    now = utcnow()
    for days_ago, title, summary, body in ISSUES:
        published = now - timedelta(days=days_ago)
        db.session.add(NewsletterIssue(
            slug=_slug_base(title, published), title=title, summary=summary,
            body_markdown=body, body_html=render_markdown(body), status=PUBLISHED,
            published_at=published, fanout_done_at=published, created_at=published,
        ))
    db.session.add(Subscriber(email="member@demo.example", status=CONFIRMED,
                              confirmed_at=now - timedelta(days=100)))
