"""journey map: phases, lanes, cards and phase feelings

Revision ID: 0003_journey
Revises: 0002_moderation
Create Date: 2026-11-28 13:49:21.385333

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_journey'
down_revision = '0002_moderation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('journey_lane',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.CheckConstraint('length(name) BETWEEN 1 AND 80', name=op.f('ck_journey_lane_name_length')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_journey_lane_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_lane'))
    )
    with op.batch_alter_table('journey_lane', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journey_lane_activity_id'), ['activity_id'], unique=False)

    op.create_table('journey_phase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.CheckConstraint('length(name) BETWEEN 1 AND 80', name=op.f('ck_journey_phase_name_length')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_journey_phase_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_phase'))
    )
    with op.batch_alter_table('journey_phase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journey_phase_activity_id'), ['activity_id'], unique=False)

    op.create_table('journey_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('lane_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('count >= 1', name=op.f('ck_journey_card_count_positive')),
    sa.CheckConstraint('length(text) BETWEEN 1 AND 200', name=op.f('ck_journey_card_text_length')),
    sa.CheckConstraint('merged_into_id IS NULL OR merged_into_id <> id', name=op.f('ck_journey_card_not_merged_into_itself')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_journey_card_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lane_id'], ['journey_lane.id'], name=op.f('fk_journey_card_lane_id_journey_lane'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merged_into_id'], ['journey_card.id'], name=op.f('fk_journey_card_merged_into_id_journey_card'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_journey_card_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['phase_id'], ['journey_phase.id'], name=op.f('fk_journey_card_phase_id_journey_phase'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_card'))
    )
    with op.batch_alter_table('journey_card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journey_card_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journey_card_lane_id'), ['lane_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journey_card_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journey_card_phase_id'), ['phase_id'], unique=False)

    op.create_table('phase_feeling',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('feeling', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('feeling BETWEEN -2 AND 2', name=op.f('ck_phase_feeling_feeling_range')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_phase_feeling_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['phase_id'], ['journey_phase.id'], name=op.f('fk_phase_feeling_phase_id_journey_phase'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phase_feeling')),
    sa.UniqueConstraint('phase_id', 'participant_id', name=op.f('uq_phase_feeling_phase_id_participant_id'))
    )
    with op.batch_alter_table('phase_feeling', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_feeling_participant_id'), ['participant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('phase_feeling', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phase_feeling_participant_id'))

    op.drop_table('phase_feeling')
    with op.batch_alter_table('journey_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journey_card_phase_id'))
        batch_op.drop_index(batch_op.f('ix_journey_card_participant_id'))
        batch_op.drop_index(batch_op.f('ix_journey_card_lane_id'))
        batch_op.drop_index(batch_op.f('ix_journey_card_activity_id'))

    op.drop_table('journey_card')
    with op.batch_alter_table('journey_phase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journey_phase_activity_id'))

    op.drop_table('journey_phase')
    with op.batch_alter_table('journey_lane', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journey_lane_activity_id'))

    op.drop_table('journey_lane')
