"""People, their groups and each group's members, copied in each process and dropped on any change.

Why: every API request needs its caller's user row, and every notification needs who is in
a group and which groups each recipient belongs to; these rows change rarely, so a database
round trip for them at every request and step is mostly waste.

How a change is seen at once, by every process: the cache `watch`es the service's session
factory; a commit that wrote user, group or membership rows (ORM objects or ORM-enabled
statements) sets a new random "generation" in Redis right after the commit. Every read first
asks Redis for the generation (one GET, far cheaper than a database round trip) and uses only
copies made under the same one; random values (not a counter) mean that a generation Redis
lost and made again never matches an old copy. Reads go to the database when there is no
Redis or it does not answer, when the session holds people changes not yet committed, or
when a copy is older than `MAX_AGE_S` (the bound for changes made behind the service's
back, e.g. by hand in psql, or a signal Redis lost).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

import redis
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session, sessionmaker

from .models import Group, Membership, User

log = logging.getLogger(__name__)

CHANGED = "handoff_people_changed"  # in Session.info: this transaction wrote people rows
PEOPLE_TABLES = {"user", "group", "membership"}
PEOPLE_MODELS = (User, Group, Membership)
MAX_AGE_S = 60.0
MAX_ENTRIES = 10_000
T = TypeVar("T")

# Built once: building a statement costs more than a cache hit.
GROUPS_OF = (select(Group.name).join(Membership, Membership.group_id == Group.id)
             .where(Membership.user_id == bindparam("user_id")).order_by(Group.name))
MEMBERS = (select(User).join(Membership, Membership.user_id == User.id).join(Group, Group.id == Membership.group_id)
           .where(Group.name == bindparam("name"), User.active).order_by(User.id))


@dataclass(frozen=True)
class Person:
    """A user row as plain, immutable values (safe to share between threads and requests)."""

    id: int
    username: str
    display_name: str
    email: str | None
    manager_id: int | None
    active: bool
    time_zone: str = "UTC"
    password_hash: str | None = field(default=None, repr=False)
    token_epoch: int = 0  # tokens issued under an older epoch are refused (logout, password change)
    locale: str | None = None  # "en" or "zh-CN"; None: not chosen yet (see service.i18n)
    mobile: str | None = None
    chat_ids: tuple[tuple[str, str], ...] = ()  # (("wecom", "zhangsan"), ...): a tuple, so a Person stays hashable

    def chat_id(self, channel: str) -> str | None:
        """This person's user id in a team chat ("wecom", "dingtalk", "feishu", "slack", "teams")."""
        return dict(self.chat_ids).get(channel)

    @classmethod
    def of(cls, user: User) -> Person:
        return cls(user.id, user.username, user.display_name, user.email, user.manager_id, user.active,
                   user.time_zone, user.password_hash, user.token_epoch or 0, user.locale, user.mobile,
                   tuple(sorted((str(k), str(v)) for k, v in (user.chat_ids or {}).items())))


class PeopleCache:
    """Copies keyed by what was asked, each tagged with the generation it was made under.

    Without a Redis connection nothing is kept: every read goes to the database.
    """

    def __init__(self, connection: redis.Redis | None = None, key: str = "people-generation"):
        self.connection = connection
        self.key = key
        self._entries: dict[Hashable, tuple[bytes, float, object]] = {}
        self._lock = threading.Lock()
        self._redis_down = False  # said once per outage, not at every request

    # --- the questions asked often ---------------------------------------------------------------

    def person(self, session: Session, user_id: int | None) -> Person | None:
        """The user with this id (active or not), or None."""
        if not isinstance(user_id, int):
            return None

        def load() -> Person | None:
            user = session.get(User, user_id)
            return Person.of(user) if user is not None else None

        return self._read(session, ("person", user_id), load)

    def groups_of(self, session: Session, user_id: int) -> tuple[str, ...]:
        """The names of the user's groups, sorted."""
        return self._read(session, ("groups", user_id),
                          lambda: tuple(session.scalars(GROUPS_OF, {"user_id": user_id})))

    def group_members(self, session: Session, name: str) -> tuple[Person, ...]:
        """The group's active members, by id."""
        return self._read(session, ("members", name),
                          lambda: tuple(Person.of(u) for u in session.scalars(MEMBERS, {"name": name})))

    # --- copies and generations ------------------------------------------------------------------

    def _read(self, session: Session, key: Hashable, load: Callable[[], T]) -> T:
        if self.connection is None or _pending_changes(session):
            return load()
        generation = self.generation()  # read before loading: a change committed meanwhile moves it on
        if generation is None:
            return load()
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] == generation and now - entry[1] < MAX_AGE_S:
            return entry[2]
        value = load()
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (generation, now, value)
        return value

    def generation(self) -> bytes | None:
        """The generation now (a new one if Redis lost it); None when Redis does not answer."""
        try:
            value = self.connection.get(self.key)
            if value is None:
                self.connection.set(self.key, _random_generation(), nx=True)
                value = self.connection.get(self.key)
        except redis.RedisError:
            if not self._redis_down:
                self._redis_down = True
                log.warning("people cache: Redis did not answer; reading people from the database until it does")
            return None
        if self._redis_down:
            self._redis_down = False
            log.warning("people cache: Redis answers again")
        return value

    def changed(self) -> None:
        """Called after a commit that wrote people rows: every process's copies stop matching."""
        if self.connection is None:
            return
        try:
            self.connection.set(self.key, _random_generation())
        except redis.RedisError:
            log.exception("people cache: could not signal a change; other processes see it within %s s", MAX_AGE_S)

    # --- noticing changes ------------------------------------------------------------------------

    def watch(self, sessions: sessionmaker) -> None:
        """A commit of a session made by `sessions` that wrote people rows signals a change."""
        event.listen(sessions, "after_flush", _note_flushed)
        event.listen(sessions, "do_orm_execute", _note_statement)
        event.listen(sessions, "after_commit", self._signal)
        event.listen(sessions, "after_rollback", _forget)

    def _signal(self, session: Session) -> None:
        if session.info.pop(CHANGED, False):
            self.changed()


def _random_generation() -> str:
    return secrets.token_hex(8)


def _pending_changes(session: Session) -> bool:
    if session.info.get(CHANGED):
        return True
    return any(isinstance(o, PEOPLE_MODELS) for pending in (session.new, session.dirty, session.deleted)
               for o in pending)


def _note_flushed(session: Session, _flush_context) -> None:
    if any(isinstance(o, PEOPLE_MODELS) for pending in (session.new, session.dirty, session.deleted) for o in pending):
        session.info[CHANGED] = True


def _note_statement(state) -> None:
    """ORM-enabled UPDATE / DELETE / INSERT statements (e.g. deleting a person's memberships)."""
    if ((state.is_update or state.is_delete or state.is_insert)
            and getattr(getattr(state.statement, "table", None), "name", None) in PEOPLE_TABLES):
        state.session.info[CHANGED] = True


def _forget(session: Session) -> None:
    session.info.pop(CHANGED, None)
