"""Action plan for the top ideas: owner, next step and date per idea

Revision ID: 0008_action_plan
Revises: 0007_votes2
Create Date: 2026-11-28 14:51:28.049896

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_action_plan'
down_revision = '0007_votes2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('action_plan_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('next_step', sa.String(length=500), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(next_step) <= 500', name=op.f('ck_action_plan_item_next_step_length')),
    sa.CheckConstraint('length(owner) <= 120', name=op.f('ck_action_plan_item_owner_length')),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], name=op.f('fk_action_plan_item_idea_id_idea'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_action_plan_item_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_plan_item')),
    sa.UniqueConstraint('workshop_id', 'idea_id', name=op.f('uq_action_plan_item_workshop_id_idea_id'))
    )
    with op.batch_alter_table('action_plan_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_plan_item_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_plan_item_workshop_id'), ['workshop_id'], unique=False)



def downgrade():
    with op.batch_alter_table('action_plan_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_plan_item_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_action_plan_item_idea_id'))

    op.drop_table('action_plan_item')
