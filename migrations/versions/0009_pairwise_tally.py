"""Pairwise answers indexed by vote and id: each process's tally of the room reads only the answers since its last look

Revision ID: 0009_pairwise_tally
Revises: 0008_action_plan
Create Date: 2026-11-28 16:55:24.239485

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_pairwise_tally'
down_revision = '0008_action_plan'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_vote_pairwise_since', 'vote_pairwise', ['activity_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_vote_pairwise_since', table_name='vote_pairwise')
