"""Votes part 2 (pairwise, ranked, agree) and pledges

Revision ID: 0007_votes2
Revises: 0006_idea_links
Create Date: 2026-11-28 14:47:16.093520

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_votes2'
down_revision = '0006_idea_links'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pledge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('skills', sa.Text(), nullable=False),
    sa.Column('show_name', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('hours BETWEEN 0 AND 200', name=op.f('ck_pledge_hours_0_to_200')),
    sa.CheckConstraint('length(skills) <= 500', name=op.f('ck_pledge_skills_length')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_pledge_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], name=op.f('fk_pledge_idea_id_idea'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_pledge_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge')),
    sa.UniqueConstraint('activity_id', 'participant_id', 'idea_id', name=op.f('uq_pledge_activity_id_participant_id_idea_id'))
    )
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledge_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledge_participant_id'), ['participant_id'], unique=False)

    op.create_table('vote_agree',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.CheckConstraint('value IN (-1, 0, 1)', name=op.f('ck_vote_agree_value_agree_disagree_pass')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_vote_agree_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], name=op.f('fk_vote_agree_idea_id_idea'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_vote_agree_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_agree')),
    sa.UniqueConstraint('activity_id', 'participant_id', 'idea_id', name=op.f('uq_vote_agree_activity_id_participant_id_idea_id'))
    )
    with op.batch_alter_table('vote_agree', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_agree_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_agree_participant_id'), ['participant_id'], unique=False)

    op.create_table('vote_pairwise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('low_id', sa.Integer(), nullable=False),
    sa.Column('high_id', sa.Integer(), nullable=False),
    sa.Column('winner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('low_id < high_id', name=op.f('ck_vote_pairwise_pair_in_order')),
    sa.CheckConstraint('winner_id IS NULL OR winner_id = low_id OR winner_id = high_id', name=op.f('ck_vote_pairwise_winner_in_pair')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_vote_pairwise_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['high_id'], ['idea.id'], name=op.f('fk_vote_pairwise_high_id_idea'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['low_id'], ['idea.id'], name=op.f('fk_vote_pairwise_low_id_idea'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_vote_pairwise_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['winner_id'], ['idea.id'], name=op.f('fk_vote_pairwise_winner_id_idea'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_pairwise')),
    sa.UniqueConstraint('activity_id', 'participant_id', 'low_id', 'high_id', name=op.f('uq_vote_pairwise_activity_id_participant_id_low_id_high_id'))
    )
    with op.batch_alter_table('vote_pairwise', schema=None) as batch_op:
        batch_op.create_index('ix_vote_pairwise_activity', ['activity_id', 'low_id', 'high_id', 'winner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_pairwise_high_id'), ['high_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_pairwise_low_id'), ['low_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_pairwise_participant_id'), ['participant_id'], unique=False)

    op.create_table('vote_ranked',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('position BETWEEN 1 AND 20', name=op.f('ck_vote_ranked_position_1_to_20')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_vote_ranked_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], name=op.f('fk_vote_ranked_idea_id_idea'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_vote_ranked_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_ranked')),
    sa.UniqueConstraint('activity_id', 'participant_id', 'idea_id', name=op.f('uq_vote_ranked_activity_id_participant_id_idea_id')),
    sa.UniqueConstraint('activity_id', 'participant_id', 'position', name=op.f('uq_vote_ranked_activity_id_participant_id_position'))
    )
    with op.batch_alter_table('vote_ranked', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_ranked_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_ranked_participant_id'), ['participant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('vote_ranked', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_ranked_participant_id'))
        batch_op.drop_index(batch_op.f('ix_vote_ranked_idea_id'))

    op.drop_table('vote_ranked')
    with op.batch_alter_table('vote_pairwise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_pairwise_participant_id'))
        batch_op.drop_index(batch_op.f('ix_vote_pairwise_low_id'))
        batch_op.drop_index(batch_op.f('ix_vote_pairwise_high_id'))
        batch_op.drop_index('ix_vote_pairwise_activity')

    op.drop_table('vote_pairwise')
    with op.batch_alter_table('vote_agree', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_agree_participant_id'))
        batch_op.drop_index(batch_op.f('ix_vote_agree_idea_id'))

    op.drop_table('vote_agree')
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_participant_id'))
        batch_op.drop_index(batch_op.f('ix_pledge_idea_id'))
        batch_op.drop_index(batch_op.f('ix_pledge_activity_id'))

    op.drop_table('pledge')
