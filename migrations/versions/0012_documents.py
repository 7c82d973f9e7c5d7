"""Outgoing documents: the document, the recommendations it covers, the versions of its text; an
index for a subject's audit history (a document's page) and one for the newest template by name.

Revision ID: 0012_documents
Revises: 0011_user_grants
Create Date: 2026-11-29 08:02:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012_documents"
down_revision = "0011_user_grants"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _fk(column: str, table: str):
    return sa.ForeignKeyConstraint([column], [f"{table}.id"], name=op.f(f"fk_document_{column}_{table}"))


def upgrade():
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("addressee_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("term_period", sa.String(length=20), nullable=True),
        sa.Column("term_basis", sa.Text(), nullable=False),
        sa.Column("urgent_by", sa.Date(), nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.Column("template_name", sa.String(length=200), nullable=False),
        sa.Column("template_deployment_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("signatory_id", sa.Integer(), nullable=True),
        sa.Column("signatory_name", sa.String(length=200), nullable=False),
        sa.Column("signatory_position", sa.String(length=300), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("approver_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("return_comment", sa.Text(), nullable=False),
        sa.Column("returned_at", sa.DateTime(), nullable=True),
        sa.Column("returned_by_id", sa.Integer(), nullable=True),
        sa.Column("register", sa.String(length=20), nullable=True),
        sa.Column("register_year", sa.Integer(), nullable=True),
        sa.Column("register_seq", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=60), nullable=True),
        sa.Column("number_date", sa.Date(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("pdf_file_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("received_how", sa.String(length=20), nullable=True),
        sa.Column("incoming_number", sa.String(length=60), nullable=True),
        sa.Column("incoming_date", sa.Date(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("addressee_id", "authority"),
        _fk("approver_id", "app_user"),
        _fk("author_id", "app_user"),
        _fk("pdf_file_id", "stored_file"),
        _fk("returned_by_id", "app_user"),
        _fk("sent_by_id", "app_user"),
        _fk("signatory_id", "app_user"),
        _fk("template_deployment_id", "deployment"),
        _fk("visit_id", "visit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("register", "register_year", "register_seq", name="uq_document_register_number"),
    )
    op.create_index(op.f("ix_document_addressee_id"), "document", ["addressee_id"], unique=False)
    op.create_index(op.f("ix_document_author_id"), "document", ["author_id"], unique=False)
    op.create_index(op.f("ix_document_number"), "document", ["number"], unique=False)
    op.create_index("ix_document_status", "document", ["status", "id"], unique=False)
    op.create_index(op.f("ix_document_visit_id"), "document", ["visit_id"], unique=False)

    op.create_table(
        "document_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("return_comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_document_version_document_id_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_version")),
        sa.UniqueConstraint("document_id", "seq", name=op.f("uq_document_version_document_id")),
    )
    op.create_index(op.f("ix_document_version_document_id"), "document_version", ["document_id"], unique=False)

    op.create_table(
        "document_recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_document_recommendation_document_id_document")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_document_recommendation_recommendation_id_recommendation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_recommendation")),
        sa.UniqueConstraint(
            "document_id", "recommendation_id", name=op.f("uq_document_recommendation_document_id")
        ),
    )
    op.create_index(
        op.f("ix_document_recommendation_document_id"), "document_recommendation", ["document_id"], unique=False
    )
    op.create_index(
        op.f("ix_document_recommendation_recommendation_id"),
        "document_recommendation",
        ["recommendation_id"],
        unique=False,
    )
    # Not in batch mode: on SQLite a batch could rebuild audit_event and lose its append-only triggers.
    op.create_index("ix_audit_event_subject", "audit_event", ["subject", "id"], unique=False)
    op.create_index("ix_deployment_file_filename", "deployment_file", ["filename", "deployment_id"], unique=False)


def downgrade():
    op.drop_index("ix_deployment_file_filename", table_name="deployment_file")
    op.drop_index("ix_audit_event_subject", table_name="audit_event")
    op.drop_index(op.f("ix_document_recommendation_recommendation_id"), table_name="document_recommendation")
    op.drop_index(op.f("ix_document_recommendation_document_id"), table_name="document_recommendation")
    op.drop_table("document_recommendation")
    op.drop_index(op.f("ix_document_version_document_id"), table_name="document_version")
    op.drop_table("document_version")
    for name in ("ix_document_visit_id", "ix_document_status", "ix_document_number"):
        op.drop_index(name, table_name="document")
    op.drop_index(op.f("ix_document_author_id"), table_name="document")
    op.drop_index(op.f("ix_document_addressee_id"), table_name="document")
    op.drop_table("document")
