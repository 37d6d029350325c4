"""The language a request was made in (ticket.language), for its mail and for dispatch.

Revision ID: i18n0001lang
Revises: l1live0001ev
"""
import sqlalchemy as sa
from alembic import op

revision = "i18n0001lang"
down_revision = "l1live0001ev"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=False,
                                      server_default="en"))


def downgrade():
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("language")
