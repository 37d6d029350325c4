"""The language a virtual walk was started in (virtual_walk.language: its pages, and the
SAF- ticket it opens, for dispatch), and the language an alert subscriber subscribed in
(alert_subscriber.language: the fixed parts of their alert mail).

Revision ID: esb1lang
Revises: i18n0001lang
"""
import sqlalchemy as sa
from alembic import op

revision = "esb1lang"
down_revision = "i18n0001lang"
branch_labels = None
depends_on = None


TABLES = ("virtual_walk", "alert_subscriber")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=False,
                                          server_default="en"))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("language")
