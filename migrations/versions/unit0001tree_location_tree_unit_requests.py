"""Places down to the room and unit requests: location.parent_id (a tree under a campus
root; the existing places move under it), location.phone, user.unit_id, and the unit
request kinds (unit_request, patient_standby, unit_consult, elopement_watch,
valuables_pickup).

Revision ID: unit0001tree
Revises: sup1dash0001
"""
import sqlalchemy as sa
from alembic import op

revision = "unit0001tree"
down_revision = "sup1dash0001"
branch_labels = None
depends_on = None

CAMPUS = "Main campus"


def _kind_table(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["id"], ["unit_request.id"], name=f"fk_{name}_id_unit_request",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )


def _location_tree() -> None:
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=40), nullable=True))
        batch_op.drop_constraint("uq_location_name", type_="unique")
        batch_op.create_unique_constraint("uq_location_parent_id", ["parent_id", "name"])
        batch_op.create_foreign_key("fk_location_parent_id_location", "location",
                                    ["parent_id"], ["id"])
        batch_op.create_index("ix_location_parent_id", ["parent_id"], unique=False)
    # The places there are become buildings, garages, stops and landmarks of one campus.
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT count(*) FROM location")).scalar():
        connection.execute(sa.text(
            "INSERT INTO location (name, kind, active) VALUES (:name, 'campus', :yes)"),
            {"name": CAMPUS, "yes": True})
        campus = connection.execute(sa.text(
            "SELECT id FROM location WHERE kind = 'campus' AND name = :name"),
            {"name": CAMPUS}).scalar()
        connection.execute(sa.text(
            "UPDATE location SET parent_id = :campus WHERE id <> :campus"), {"campus": campus})


def upgrade():
    _location_tree()
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_user_unit_id_location", "location", ["unit_id"],
                                    ["id"], ondelete="SET NULL")
    op.create_table(
        "unit_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("room", sa.String(length=60), nullable=True),
        sa.Column("requested_for", sa.DateTime(), nullable=True),
        sa.Column("unit_phone", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["id"], ["ticket.id"], name="fk_unit_request_id_ticket",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["location.id"],
                                name="fk_unit_request_unit_id_location"),
        sa.PrimaryKeyConstraint("id", name="pk_unit_request"),
    )
    op.create_index("ix_unit_request_unit_id", "unit_request", ["unit_id"], unique=False)
    _kind_table("patient_standby",
                sa.Column("duration_minutes", sa.Integer(), nullable=False),
                sa.Column("risk", sa.String(length=200), nullable=False),
                sa.Column("restraints_planned", sa.Boolean(), nullable=False))
    _kind_table("unit_consult", sa.Column("concern", sa.String(length=1000), nullable=False))
    _kind_table("elopement_watch",
                sa.Column("duration_minutes", sa.Integer(), nullable=False),
                sa.Column("risk", sa.String(length=200), nullable=False))
    _kind_table("valuables_pickup", sa.Column("items", sa.String(length=300), nullable=False))


def downgrade():
    for name in ("valuables_pickup", "elopement_watch", "unit_consult", "patient_standby"):
        op.drop_table(name)
    op.drop_index("ix_unit_request_unit_id", table_name="unit_request")
    op.drop_table("unit_request")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint("fk_user_unit_id_location", type_="foreignkey")
        batch_op.drop_column("unit_id")
    op.execute(sa.text("UPDATE location SET parent_id = NULL"))
    op.execute(sa.text("DELETE FROM location WHERE kind = 'campus'"))
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index("ix_location_parent_id")
        batch_op.drop_constraint("fk_location_parent_id_location", type_="foreignkey")
        batch_op.drop_constraint("uq_location_parent_id", type_="unique")
        batch_op.create_unique_constraint("uq_location_name", ["name"])
        batch_op.drop_column("phone")
        batch_op.drop_column("parent_id")
