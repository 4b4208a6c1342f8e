"""The SQL tables, as SQLAlchemy Core metadata (migrations in `migrations/` create them)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Integer primary keys that are also rowids on SQLite and BIGSERIAL-sized on PostgreSQL.
Id = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("is_active", Boolean, nullable=False, default=True),
    Column("is_curator", Boolean, nullable=False, default=False, server_default="0"),
    Column("created_at", Float, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    # SHA-256 of the cookie value: a stolen database does not yield usable cookies.
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

tenders = Table(
    "tenders",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("title", String(300), nullable=False),
    Column("reference", String(100), nullable=False, default=""),
    Column("purchase_category", String(30), nullable=False, default=""),
    Column("estimated_value", Float, nullable=True),
    Column("launch_date", Date, nullable=True),
    Column("status", String(20), nullable=False, default="draft"),
    # Award procedure (a `clauses.Procedure` slug), read by the compliance rules.
    Column("procedure", String(40), nullable=False, default="", server_default=""),
    # A-priori moderation of comments, and the categories offered for comments.
    Column("moderation", Boolean, nullable=False, default=False, server_default="0"),
    Column("comment_categories", Text, nullable=True),
    # Secret part of the Atom feed address of the tender's comments (SHA-256 stored).
    Column("feed_token_hash", String(64), nullable=True),
    Column("created_by", Id, ForeignKey("users.id"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("deleted_at", Float, nullable=True),
)

members = Table(
    "members",
    metadata,
    Column("tender_id", Id, ForeignKey("tenders.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_activity_at", Float, nullable=True),
    Index("ix_members_user", "user_id"),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("tender_id", Id, ForeignKey("tenders.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(300), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("created_by", Id, ForeignKey("users.id"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    # Documents are hidden, never erased: their change log is the audit trail.
    Column("deleted_at", Float, nullable=True),
    Index("ix_documents_tender", "tender_id"),
)

# The append-only change log: one row per Yjs update, in commit order.
changes = Table(
    "changes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", Id, ForeignKey("documents.id"), nullable=False),
    Column("author_id", Id, ForeignKey("users.id"), nullable=True),
    # Milliseconds since the epoch: an integer is 2-6 bytes in SQLite, a float 8.
    Column("created_ms", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Index("ix_changes_document", "document_id", "id"),
)

# Merged states of a document up to (and including) a change id; the newest one wins.
checkpoints = Table(
    "checkpoints",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", Id, ForeignKey("documents.id"), nullable=False),
    Column("upto_change_id", BigInteger, nullable=False),
    Column("state", LargeBinary, nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("document_id", "upto_change_id", name="uq_checkpoints_document_upto"),
)

# A member's role on one document, overriding their tender role there.
document_roles = Table(
    "document_roles",
    metadata,
    Column("document_id", Id, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(20), nullable=False),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("tender_id", Id, ForeignKey("tenders.id", ondelete="CASCADE"), nullable=False),
    # SHA-256 of the 256-bit token: the link itself is never stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("email", String(320), nullable=True),
    Column("created_by", Id, ForeignKey("users.id"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("accepted_at", Float, nullable=True),
    Column("accepted_by", Id, ForeignKey("users.id"), nullable=True),
    Column("revoked_at", Float, nullable=True),
    Index("ix_invitations_tender", "tender_id"),
)

# Every e-mail the application sends; without SMTP this table is the outbox.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("recipient", String(320), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("sent_at", Float, nullable=True),
    Column("error", Text, nullable=True),
)

activity = Table(
    "activity",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("tender_id", Id, ForeignKey("tenders.id", ondelete="CASCADE"), nullable=False),
    Column("actor_id", Id, ForeignKey("users.id"), nullable=True),
    Column("kind", String(40), nullable=False),
    Column("details", Text, nullable=False, default="{}"),
    Column("created_at", Float, nullable=False),
    Index("ix_activity_tender", "tender_id", "id"),
)

# Dated, immutable captures of a document: full encoded states (never snapshots, which
# panic on real histories), with their rendered text for diffs and search.
versions = Table(
    "versions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", Id, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("label", String(200), nullable=False, default=""),
    Column("created_by", Id, ForeignKey("users.id"), nullable=True),
    Column("author_ids", Text, nullable=False, default="[]"),
    Column("upto_change_id", BigInteger, nullable=False),
    Column("state", LargeBinary, nullable=False),
    Column("text", Text, nullable=False),
    Column("words_added", Integer, nullable=False, default=0),
    Column("words_removed", Integer, nullable=False, default=0),
    UniqueConstraint("document_id", "number", name="uq_versions_document_number"),
)

# The version a user saw when opening a document, for "changes since my last visit".
document_visits = Table(
    "document_visits",
    metadata,
    Column("document_id", Id, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("seen_version", Integer, nullable=False, default=0),
    Column("previous_version", Integer, nullable=False, default=0),
    Column("visited_at", Float, nullable=False),
)

# Comments (and private annotations) anchored to a passage of a document. Replies have a
# parent and no anchor. Nothing is erased: deletion sets deleted_at.
comments = Table(
    "comments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", Id, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", Id, ForeignKey("comments.id"), nullable=True),
    Column("author_id", Id, ForeignKey("users.id"), nullable=False),
    Column("body", Text, nullable=False),
    Column("category", String(60), nullable=True),
    Column("anchor_start", Text, nullable=True),
    Column("anchor_end", Text, nullable=True),
    Column("quote", Text, nullable=False, default=""),
    Column("private", Boolean, nullable=False, default=False),
    Column("status", String(10), nullable=False, default="open"),
    Column("moderation", String(10), nullable=False, default="visible"),
    Column("mentions", Text, nullable=False, default="[]"),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("edited", Boolean, nullable=False, default=False),
    Column("deleted_at", Float, nullable=True),
    Index("ix_comments_document", "document_id", "id"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("comment_id", Id, ForeignKey("comments.id"), nullable=True),
    Column("document_id", Id, ForeignKey("documents.id", ondelete="CASCADE"), nullable=True),
    Column("actor_name", String(200), nullable=False, default=""),
    Column("excerpt", String(300), nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("read_at", Float, nullable=True),
    Index("ix_notifications_user", "user_id", "id"),
)

# E-mail preferences: one row per user who unsubscribed (by a signed one-click link).
unsubscribed = Table(
    "unsubscribed",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", Float, nullable=False),
)

# The clause library: every version of every clause, as the catalogue's JSON entry. The
# shipped catalogue is seeded at start; proposals are added by users and curated here.
clause_versions = Table(
    "clause_versions",
    metadata,
    Column("clause_id", String(100), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("family", String(30), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    # "|RC|CCAP|" and "|CCAG-PI 2021|": filterable with LIKE on every database.
    Column("pieces", String(200), nullable=False, default=""),
    Column("ccag", String(200), nullable=False, default=""),
    Column("title", String(300), nullable=False),
    # Accent-folded title and text, for databases without a full-text index.
    Column("search_text", Text, nullable=False, default=""),
    Column("data", Text, nullable=False),
    Column("origin", String(20), nullable=False, default="catalogue"),
    Column("proposed_by", Id, ForeignKey("users.id"), nullable=True),
    Column("reviewed_by", Id, ForeignKey("users.id"), nullable=True),
    Column("review_note", Text, nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_clause_versions_status", "status"),
)

# What each document currently says, for search across tenders and for the compliance
# panel: its plain text and the clause blocks it contains (refreshed after edits).
document_index = Table(
    "document_index",
    metadata,
    Column("document_id", Id, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("tender_id", Id, ForeignKey("tenders.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("search_text", Text, nullable=False, default=""),
    Column("upto_change_id", BigInteger, nullable=False, default=0),
    Column("indexed_at", Float, nullable=False),
    Index("ix_document_index_tender", "tender_id"),
)

clause_uses = Table(
    "clause_uses",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", Id, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("tender_id", Id, ForeignKey("tenders.id", ondelete="CASCADE"), nullable=False),
    Column("clause_id", String(100), nullable=False),
    Column("clause_version", Integer, nullable=False),
    # The block's params attribute as stored in the document (a JSON string).
    Column("params", Text, nullable=False, default="{}"),
    # True when the block's text no longer matches the library text for its values.
    Column("edited", Boolean, nullable=False, default=False),
    Index("ix_clause_uses_document", "document_id"),
    Index("ix_clause_uses_clause", "clause_id"),
)

# Validation of a tender: one row per member asked to validate it, with their latest
# answer and the change-log position of every document when they gave it (JSON object
# document id → change id), which tells whether an approval is still current.
reviews = Table(
    "reviews",
    metadata,
    Column("tender_id", Id, ForeignKey("tenders.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("requested_by", Id, ForeignKey("users.id"), nullable=True),
    Column("requested_at", Float, nullable=False),
    Column("decision", String(20), nullable=False, default="pending"),
    Column("comment", Text, nullable=False, default=""),
    Column("positions", Text, nullable=False, default="{}"),
    Column("decided_at", Float, nullable=True),
)
