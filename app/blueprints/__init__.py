"""Every blueprint of the portal, in the order they are registered."""
from app.blueprints.account import bp as account
from app.blueprints.admin import bp as admin
from app.blueprints.alerts import bp as alerts
from app.blueprints.apb import bp as apb
from app.blueprints.auth import bp as auth
from app.blueprints.dashboard import bp as dashboard
from app.blueprints.devices import bp as devices
from app.blueprints.dispatch import bp as dispatch
from app.blueprints.escorts import bp as escorts
from app.blueprints.main import bp as main
from app.blueprints.open311 import bp as open311
from app.blueprints.outreach import bp as outreach
from app.blueprints.reports import bp as reports
from app.blueprints.seminars import bp as seminars
from app.blueprints.stream import bp as stream
from app.blueprints.support import bp as support
from app.blueprints.track import bp as track
from app.blueprints.units import bp as units
from app.blueprints.walks import bp as walks

BLUEPRINTS = [
    main, auth, account, admin, escorts, dispatch, track, reports, devices, support,
    seminars, outreach, units, apb, alerts, stream, open311, walks, dashboard,
]
