"""Confidential (DV) tickets numbered apart, below zero: on PostgreSQL from their own
sequence (SQLite needs nothing). Tickets filed before keep their ids.

Revision ID: dvid0001seq
Revises: l1live0001ev
"""
from alembic import op

revision = "dvid0001seq"
down_revision = "l1live0001ev"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE IF NOT EXISTS confidential_ticket_id_seq")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS confidential_ticket_id_seq")
