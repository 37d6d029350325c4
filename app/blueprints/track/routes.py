"""Following a request through its private link."""
from flask import render_template

from app.access import public
from app.blueprints.track import bp


@bp.route("/")
@public
def entry():
    return render_template("track/entry.html", title="Track a request")
