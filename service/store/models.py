"""The tables. The database is the truth; Redis only holds alarm clocks.

Times are timezone-aware UTC (`UtcDateTime` keeps them so on SQLite too).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ID = BigInteger().with_variant(Integer, "sqlite")


class UtcDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always returns aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON, list[str]: JSON}


class ProcessVersion(Base):
    """One deployed version of one process: the exact files it was parsed from."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    # Names the files, not the version: a designer's undo deploys an older version's files again.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    files: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)  # loaded only when a spec is parsed
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str | None] = mapped_column(String(200))
    # Why its files do not load (set by the worker or a start that met it); such a version is never started.
    unusable_reason: Mapped[str | None] = mapped_column(String(1000))


class Instance(Base):
    """A running (or finished) process instance and its serialized engine state."""

    __tablename__ = "instance"
    __table_args__ = (Index("ix_instance_next_wakeup_at", "next_wakeup_at"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    business_key: Mapped[str | None] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # running|completed|error|cancelled
    frozen: Mapped[bool] = mapped_column(default=False)
    frozen_reason: Mapped[str | None] = mapped_column(Text)
    release_group: Mapped[str | None] = mapped_column(String(200))  # who may release it (R4: product)
    state: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    next_wakeup_at: Mapped[datetime | None]
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)
    started_at: Mapped[datetime]
    started_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(String(100), index=True)
    stage_entered_at: Mapped[datetime | None]
    project_status: Mapped[str | None] = mapped_column(String(100), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    sealed: Mapped[list[str]] = mapped_column(JSON, default=list)

    process_version: Mapped[ProcessVersion] = relationship(lazy="joined")
    __mapper_args__ = {"version_id_col": row_version}


class Task(Base):
    """Projection of the engine's user tasks, indexed for 'mine', 'my groups' and 'overdue'."""

    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("instance_id", "engine_task_id"),
        Index("ix_task_assignee_status", "assignee_id", "status"),
        Index("ix_task_group_status", "candidate_group", "status"),
        Index("ix_task_status_due", "status", "due_at"),
        Index("ix_task_instance_status", "instance_id", "status"),  # an instance's open tasks, every step
        Index("ix_task_completed_by", "completed_by"),  # whose work it was: the instance list's visibility
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    engine_task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    candidate_group: Mapped[str | None] = mapped_column(String(200))  # the first of candidate_groups
    candidate_groups: Mapped[list[str] | None] = mapped_column(JSON)  # every group it is offered to (`TaskGroup`)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    form_key: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))  # open|completed|cancelled
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": row_version}

    instance: Mapped[Instance] = relationship(lazy="select")

    @property
    def groups(self) -> list[str]:
        """Every group the task is offered to (rows from before there could be several hold one)."""
        if self.candidate_groups:
            return list(self.candidate_groups)
        return [self.candidate_group] if self.candidate_group else []


class TaskGroup(Base):
    """One group an *open* task is offered to, so "tasks my groups may claim" is an indexed lookup.

    `Task.candidate_groups` holds the names for reading, for good; this table is for asking. A
    task offered to ``legal, finance`` has two rows from when it opens until it closes, so a
    group's lookup never wades through its closed history.
    """

    __tablename__ = "task_group"
    __table_args__ = (Index("ix_task_group_name_task", "group_name", "task_id"),)

    task_id: Mapped[int] = mapped_column(ID, ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    group_name: Mapped[str] = mapped_column(String(200), primary_key=True)


class AuditEvent(Base):
    """Append-only operation log (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_instance_at", "instance_id", "at"), Index("ix_audit_kind_at", "kind", "at"))

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(40))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    element_id: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    task: Mapped[Task | None] = relationship()


class Outbox(Base):
    """A message leaving the service, written in the instance's transaction."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    created_at: Mapped[datetime]
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"))
    audit_event_id: Mapped[int | None] = mapped_column(ForeignKey("audit_event.id"))
    channel: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    topic: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]]
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class Message(Base):
    """An in-app message in a person's inbox (the in-app notification channel)."""

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_recipient_read", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), unique=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(300))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime]
    # Every token carries the epoch it was issued under; logging out or a new password moves it on,
    # which ends all of this person's tokens and page sessions in every process (see service.api.auth).
    token_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")  # consecutive, since the last success
    locked_until: Mapped[datetime | None]  # HANDOFF_LOCKOUT_AFTER failures in a row lock the login until then
    # The language pages, messages, e-mails and chat reach this person in ("en", "zh-CN"); None until they
    # first log in (then their browser's), or an admin sets it. See service.i18n.
    locale: Mapped[str | None] = mapped_column(String(16))
    mobile: Mapped[str | None] = mapped_column(String(32))  # how WeCom and DingTalk robots @-mention them
    chat_ids: Mapped[dict | None] = mapped_column(JSON)  # {"wecom": ID, "dingtalk": ..., "feishu", "slack", "teams"}


class Group(Base):
    """A team; a BPMN lane's name is the group whose members may claim its tasks."""

    __tablename__ = "group"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)


class Membership(Base):
    __tablename__ = "membership"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), primary_key=True, index=True)


class Customer(Base):
    """A customer; changes to budget, decision makers or attention reach delivery (R8)."""

    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    industry: Mapped[str | None] = mapped_column(String(100))
    budget: Mapped[int | None] = mapped_column(BigInteger)
    decision_makers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    executive_attention: Mapped[bool] = mapped_column(default=False)
    complaint_types: Mapped[list[Any]] = mapped_column(JSON, default=list)
    sla_achievement: Mapped[float | None]
    updated_at: Mapped[datetime]
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": row_version}


class Document(Base):
    """An uploaded file, stored by content hash outside the workflow state."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"), index=True)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime]


class Signature(Base):
    """Who signed which section of an instance, when, and the hash of exactly what they saw."""

    __tablename__ = "signature"
    __table_args__ = (Index("ix_signature_instance_section", "instance_id", "section"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    section: Mapped[str] = mapped_column(String(100))
    signer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    role: Mapped[str | None] = mapped_column(String(100))
    signed_at: Mapped[datetime]
    content_sha256: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(50), default="builtin", server_default="builtin")
    proof: Mapped[str | None] = mapped_column(String(500))  # the provider's seal of this record


class KbProduct(Base):
    """The current knowledge-base version of a product (R4), kept by product owners."""

    __tablename__ = "kb_product"

    product: Mapped[str] = mapped_column(String(200), primary_key=True)
    current_version: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class TrainingRecord(Base):
    """A manager's record that a rep completed collaboration training (R2.2)."""

    __tablename__ = "training_record"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course: Mapped[str] = mapped_column(String(100))
    completed_at: Mapped[datetime]
    recorded_by: Mapped[int] = mapped_column(ForeignKey("user.id"))


class IdempotencyKey(Base):
    """A client's retry key for a POST: the same key returns the first answer instead of acting twice."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None]
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]


class WaitingEvent(Base):
    """A message or signal an instance waits for, kept where the instance is settled (flows.waits).

    A correlation or a signal finds who waits by name with one indexed query, without reading any
    instance's engine state; the engine checks again when it catches.
    """

    __tablename__ = "waiting_event"
    __table_args__ = (UniqueConstraint("instance_id", "kind", "name", "element_id"),
                      Index("ix_waiting_event_kind_name", "kind", "name"))

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # message | signal
    name: Mapped[str] = mapped_column(String(300))
    element_id: Mapped[str] = mapped_column(String(200))
    interrupting: Mapped[bool | None]
    attached_to: Mapped[str | None] = mapped_column(String(200))
    since: Mapped[datetime]


class Incident(Base):
    """A step of an instance that failed by the process's fault, kept with what to replay (issue 10).

    The failing transaction rolled back whole; this row (written in a fresh one) says where and why,
    and `trigger` holds what was being done (a timer, a person's completion with their data, a
    message) so a retry or a skip replays it from the last committed state. At most one is open
    per instance.
    """

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    element_id: Mapped[str | None] = mapped_column(String(200))
    element_name: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))  # what failed: script, operator, decision, timer, task...
    message: Mapped[str] = mapped_column(Text)
    trigger: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=1)
    last_attempt_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|resolved
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolution: Mapped[str | None] = mapped_column(String(20))  # retried|skipped|cancelled
    reason: Mapped[str | None] = mapped_column(Text)
