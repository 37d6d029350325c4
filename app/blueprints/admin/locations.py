"""The admin's location pages: the tree of places, one place, a room list from a CSV file."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.blueprints.admin import bp
from app.blueprints.admin.location_forms import ImportForm, LocationForm
from app.services import location_import, locations
from app.services.locations import KIND_LABELS, LocationError
from app.web.access import roles_required


@bp.route("/locations", endpoint="locations")
@roles_required("admin")
def locations_list():
    return render_template("admin/locations.html", places=locations.in_tree_order(),
                           kind_labels=KIND_LABELS, title="Locations")


def _form_page(form: LocationForm, place, title: str):
    status = 400 if form.errors else 200
    return render_template("admin/location_form.html", form=form, location=place,
                           title=title), status


@bp.route("/locations/new", methods=["GET", "POST"])
@roles_required("admin")
def new_location():
    form = LocationForm().load_parents()
    if form.validate_on_submit():
        try:
            place = locations.add_location(current_user, form.fields())
        except LocationError as error:
            form.name.errors.append(str(error))
        else:
            flash(f"{place.name} was added.", "success")
            return redirect(url_for("admin.locations"))
    return _form_page(form, None, "Add a location")


@bp.route("/locations/<int:location_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_location(location_id: int):
    place = locations.get_location(location_id)
    if place is None:
        abort(404)
    form = LocationForm(obj=place).load_parents(exclude_id=place.id)
    if form.validate_on_submit():
        try:
            locations.update_location(current_user, place.id, form.fields(form.active.data))
        except LocationError as error:
            form.parent_id.errors.append(str(error))
        else:
            flash(f"{form.name.data} was saved.", "success")
            return redirect(url_for("admin.locations"))
    return _form_page(form, place, f"Edit {place.name}")


@bp.route("/locations/import", methods=["GET", "POST"])
@roles_required("admin")
def import_locations():
    """A room list as CSV: every line added, or none and every problem by line number."""
    form, problems = ImportForm(), []
    if form.validate_on_submit():
        upload = form.room_list.data
        data = upload.read(location_import.MAX_BYTES + 1) if upload else b""
        try:
            added = location_import.import_room_list(current_user, data)
        except locations.ImportRefused as refused:
            problems = refused.problems
            form.room_list.errors.append(str(refused))
        else:
            flash(f"{added} places were added.", "success")
            return redirect(url_for("admin.locations"))
    status = 400 if form.errors else 200
    return render_template("admin/location_import.html", form=form, problems=problems,
                           max_kb=location_import.MAX_BYTES // 1024,
                           max_rows=location_import.MAX_ROWS, title="Import a room list"), status
