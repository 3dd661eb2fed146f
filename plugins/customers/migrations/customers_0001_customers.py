"""Customers: profiles, contacts, follow-ups and pool moves.

Revision ID: customers_0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "customers_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("customers",)
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, target_column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.{target_column}"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "customers_profiles",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("tax_id", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("preferences", sa.Text(), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("phone_key", sa.String(length=40), nullable=False),
        sa.Column("tax_key", sa.String(length=40), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("owned_since", sa.Date(), nullable=True),
        sa.Column("first_owner_id", sa.Integer(), nullable=True),
        sa.Column("last_owner_id", sa.Integer(), nullable=True),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.Column("release_reason", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("customers_profiles", "customer_id", "customers", "customer_id"),
        _fk("customers_profiles", "first_owner_id", "people", "person_id"),
        _fk("customers_profiles", "last_owner_id", "people", "person_id"),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customers_profiles")),
    )
    for column in ("name_key", "phone_key", "tax_key", "first_owner_id"):
        op.create_index(op.f(f"ix_customers_profiles_{column}"), "customers_profiles", [column])

    op.create_table(
        "customers_contacts",
        sa.Column("contact_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("phone_key", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        _fk("customers_contacts", "customer_id", "customers", "customer_id"),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_customers_contacts")),
    )
    for column in ("customer_id", "phone_key"):
        op.create_index(op.f(f"ix_customers_contacts_{column}"), "customers_contacts", [column])

    op.create_table(
        "customers_followups",
        sa.Column("followup_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("followup_date", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("next_step", sa.String(length=500), nullable=False),
        sa.Column("next_date", sa.Date(), nullable=True),
        sa.Column("spin_stage", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('phone','visit','online','other')",
            name=op.f("ck_customers_followups_channel"),
        ),
        sa.CheckConstraint(
            "spin_stage IN ('', 'situation','problem','implication','need_payoff')",
            name=op.f("ck_customers_followups_spin_stage"),
        ),
        _fk("customers_followups", "customer_id", "customers", "customer_id"),
        _fk("customers_followups", "person_id", "people", "person_id"),
        sa.PrimaryKeyConstraint("followup_id", name=op.f("pk_customers_followups")),
    )
    op.create_index(
        "ix_customers_followups_customer_date",
        "customers_followups",
        ["customer_id", "followup_date"],
    )
    for column in ("person_id", "followup_date"):
        op.create_index(op.f(f"ix_customers_followups_{column}"), "customers_followups", [column])

    op.create_table(
        "customers_pool_moves",
        sa.Column("move_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("from_owner_id", sa.Integer(), nullable=True),
        sa.Column("to_owner_id", sa.Integer(), nullable=True),
        sa.Column("days_idle", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "action IN ('create','claim','release','assign')",
            name=op.f("ck_customers_pool_moves_action"),
        ),
        _fk("customers_pool_moves", "customer_id", "customers", "customer_id"),
        _fk("customers_pool_moves", "from_owner_id", "people", "person_id"),
        _fk("customers_pool_moves", "to_owner_id", "people", "person_id"),
        sa.PrimaryKeyConstraint("move_id", name=op.f("pk_customers_pool_moves")),
    )
    op.create_index(
        "ix_customers_pool_moves_to_owner_day", "customers_pool_moves", ["to_owner_id", "moved_on"]
    )
    for column in ("customer_id", "moved_on", "from_owner_id"):
        op.create_index(op.f(f"ix_customers_pool_moves_{column}"), "customers_pool_moves", [column])


def downgrade() -> None:
    op.drop_table("customers_pool_moves")
    op.drop_table("customers_followups")
    op.drop_table("customers_contacts")
    op.drop_table("customers_profiles")
