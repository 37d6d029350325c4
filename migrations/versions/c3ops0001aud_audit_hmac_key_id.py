"""Audit chain keyed with HMAC: each row records the id of the key that signed it.

Rows already in the table were chained with plain SHA-256 and get key id "legacy". The
upgrade prints their last seq: set AUDIT_LEGACY_UNTIL to it, so `flask audit verify` accepts
exactly those rows unkeyed and treats any later unkeyed row as tampering.

Revision ID: c3ops0001aud
Revises: 8896f7455b16
"""
import sqlalchemy as sa
from alembic import op

revision = "c3ops0001aud"
down_revision = "8896f7455b16"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=False,
                                      server_default="legacy"))
    last = op.get_bind().execute(sa.text("SELECT MAX(seq) FROM audit_event")).scalar()
    if last:
        print(f"Audit rows up to seq {last} are unkeyed: set AUDIT_LEGACY_UNTIL={last}")


def downgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("key_id")
