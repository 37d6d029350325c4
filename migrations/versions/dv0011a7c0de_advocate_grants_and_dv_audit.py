"""Advocate role grants that need a second advocate, and the advocate-only DV audit store

Revision ID: dv0011a7c0de
Revises: auth0001totp
Create Date: 2026-12-01 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'dv0011a7c0de'
down_revision = 'auth0001totp'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('advocate_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('change', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_advocate_grant_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_advocate_grant_requested_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_advocate_grant_decided_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advocate_grant'))
    )
    with op.batch_alter_table('advocate_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advocate_grant_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_advocate_grant_status'), ['status'], unique=False)

    op.create_table('advocate_audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_advocate_audit_event_actor_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advocate_audit_event')),
    sa.UniqueConstraint('seq', name=op.f('uq_advocate_audit_event_seq'))
    )
    with op.batch_alter_table('advocate_audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advocate_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_advocate_audit_event_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('advocate_audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advocate_audit_head'))
    )
    # Existing dv.* rows stay in audit_event (its chain must keep verifying); the admin
    # audit page no longer lists them, and new ones go to advocate_audit_event.


def downgrade():
    op.drop_table('advocate_audit_head')
    with op.batch_alter_table('advocate_audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advocate_audit_event_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_advocate_audit_event_action'))
    op.drop_table('advocate_audit_event')
    with op.batch_alter_table('advocate_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advocate_grant_status'))
        batch_op.drop_index(batch_op.f('ix_advocate_grant_user_id'))
    op.drop_table('advocate_grant')
