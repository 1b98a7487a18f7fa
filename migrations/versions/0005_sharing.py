"""workshop sharing: co-facilitators and read-only links

Revision ID: 0005_sharing
Revises: 0004_ideas_votes
Create Date: 2026-11-28 13:53:04.614546

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_sharing'
down_revision = '0004_ideas_votes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('share_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_share_link_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_share_link_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_link')),
    sa.UniqueConstraint('nonce', name=op.f('uq_share_link_nonce'))
    )
    with op.batch_alter_table('share_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_link_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('workshop_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_workshop_share_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_workshop_share_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_share')),
    sa.UniqueConstraint('workshop_id', 'user_id', name=op.f('uq_workshop_share_workshop_id_user_id'))
    )
    with op.batch_alter_table('workshop_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_share_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_share_workshop_id'), ['workshop_id'], unique=False)



def downgrade():
    with op.batch_alter_table('workshop_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_share_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_workshop_share_user_id'))

    op.drop_table('workshop_share')
    with op.batch_alter_table('share_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_link_workshop_id'))

    op.drop_table('share_link')
