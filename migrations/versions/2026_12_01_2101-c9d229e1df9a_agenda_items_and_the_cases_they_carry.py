"""Agenda items and the cases they carry

A body's meeting has items (dagsordenspunkter); one item carries several DPIA versions under one journal
number and gets one decision, recorded for each of its cases.

Revision ID: c9d229e1df9a
Revises: e5ddb4688c99
Create Date: 2026-12-01 21:01:25.156834
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c9d229e1df9a"
down_revision = "e5ddb4688c99"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("journal_number", sa.String(length=60), server_default="", nullable=False),
        sa.Column("summary", sa.Text(), server_default="", nullable=False),
        sa.Column("recommendation", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["approval_body.id"], name=op.f("fk_agenda_item_body_id_approval_body")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_item_meeting_on"), ["meeting_on"], unique=False)

    op.create_table(
        "agenda_item_case",
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("dpia_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_agenda_item_case_agenda_item_id_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["dpia_id"], ["dpia.id"], name=op.f("fk_agenda_item_case_dpia_id_dpia")),
        sa.PrimaryKeyConstraint("agenda_item_id", "dpia_id", name=op.f("pk_agenda_item_case")),
    )
    with op.batch_alter_table("agenda_item_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_case_dpia_id"), ["dpia_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("agenda_item_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_case_dpia_id"))

    op.drop_table("agenda_item_case")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_meeting_on"))
        batch_op.drop_index(batch_op.f("ix_agenda_item_body_id"))

    op.drop_table("agenda_item")
