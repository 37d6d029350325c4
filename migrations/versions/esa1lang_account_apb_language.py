"""The language of a member's account (user.language) and of an APB subscriber
(subscriber.language), for the mail each of them gets.

Revision ID: esa1lang
Revises: esb1lang
"""
import sqlalchemy as sa
from alembic import op

revision = "esa1lang"
down_revision = "esb1lang"
branch_labels = None
depends_on = None


TABLES = ("user", "subscriber")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=False,
                                          server_default="en"))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("language")
