"""The language a request was made in (ticket.language), for its mail and for dispatch, and
the language of a seminar registration (seminar_registration.language), for its mail.

Revision ID: i18n0001lang
Revises: alrt0001ca
"""
import sqlalchemy as sa
from alembic import op

revision = "i18n0001lang"
down_revision = "alrt0001ca"
branch_labels = None
depends_on = None


TABLES = ("ticket", "seminar_registration")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=False,
                                          server_default="en"))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("language")
