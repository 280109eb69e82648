"""Portfolio-wide results remembered until the data they read changes.

The state of the data is read in one cheap query: the newest history row of every model that keeps
history (every write path of the site saves one: forms, htmx edits, the admin, imports, the API,
commands; deletions too) and the newest weekly snapshot. Any committed write to a model moves its
part of the state forward.

A result is remembered with the tables it was computed from: every table the request had read
before the computation (objects it may have been handed) and every table the computation read, the
results it reused included. It is reused while none of those tables' states has moved — so a new
status report does not throw away the risk register's figures, which never read status reports —
and what it gives is exactly what computing it again would give, for the same day and the same
inputs, which are part of the key. Each process keeps its own few results (a page's figures, not
its HTML), so nothing is shared between workers and nothing needs invalidating.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.paginator import Page
from django.db import connection
from django.http import HttpRequest, HttpResponse

KEEP = 64  # results per process (a few filter combinations of a few pages, their choice lists)
_TRACKED_APPS = ("programs", "risks", "review")


@dataclass(frozen=True)
class _Tracking:
    query: str  # reads the whole state in one statement
    tables: re.Pattern[str]  # finds the tracked tables a statement names
    part_of: dict[str, int]  # table → which part of the state it moves


_tracking: _Tracking | None = None


def _setup() -> _Tracking:
    """The state query, and which part of the state each tracked table belongs to: a model's
    table and its history table share the history table's part."""
    quote = connection.ops.quote_name
    parts: list[str] = []
    part_of: dict[str, int] = {}
    for label in _TRACKED_APPS:
        for model in apps.get_app_config(label).get_models():
            historical = model.__name__.startswith("Historical")
            if not (historical or label == "review"):
                continue
            column = "history_id" if historical else model._meta.pk.column
            part_of[model._meta.db_table] = len(parts)
            if historical:
                part_of[model.instance_type._meta.db_table] = len(parts)
            # Names of our own tables and columns, quoted: nothing from outside.
            table = quote(model._meta.db_table)
            parts.append(f"(SELECT MAX({quote(column)}) FROM {table})")  # noqa: S608
    names = sorted(part_of, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    return _Tracking("SELECT " + ", ".join(parts), pattern, part_of)


def _tracked() -> _Tracking:
    global _tracking
    if _tracking is None:
        _tracking = _setup()
    return _tracking


def data_state() -> tuple[int | None, ...]:
    """Where the data stands: some part of it changes with every committed write. A request
    that only reads (GET, HEAD) reads it once, however many results it looks up."""
    state = getattr(_local, "request_state", None)
    if state is not None:
        return state  # type: ignore[no-any-return]
    with connection.cursor() as cursor:
        cursor.execute(_tracked().query)
        state = tuple(cursor.fetchone())
    if getattr(_local, "reading_request", False):
        _local.request_state = state
    return state


@dataclass(eq=False)  # each is itself: two with the same contents are still two
class _Reads:
    """The statements run (and results reused) while this is open."""

    statements: list[str] = field(default_factory=list)
    parts: set[int] = field(default_factory=set)

    def resolve(self) -> set[int]:
        tracking = _tracked()
        for sql in self.statements:
            if sql != tracking.query:
                self.parts.update(tracking.part_of[t] for t in tracking.tables.findall(sql))
        self.statements.clear()
        return self.parts


_local = threading.local()


def _open_reads() -> list[_Reads]:
    if not hasattr(_local, "reads"):
        _local.reads = []
    return _local.reads  # type: ignore[no-any-return]


def _record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    for reads in _open_reads():
        reads.statements.append(sql)
    return execute(sql, params, many, context)


@contextmanager
def _reading() -> Iterator[_Reads]:
    """Record what is read on the default connection until the block ends."""
    reads = _Reads()
    stack = _open_reads()
    stack.append(reads)
    try:
        if len(stack) == 1:
            with connection.execute_wrapper(_record):
                yield reads
        else:
            yield reads
    finally:
        stack.remove(reads)


def track_reads(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: what a request reads before it computes a result counts as that result's
    input (a view may hand the computation objects it loaded itself)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        _local.reading_request = request.method in ("GET", "HEAD")
        try:
            with _reading():
                return get_response(request)
        finally:
            _local.reading_request = False
            _local.request_state = None

    return middleware


@dataclass(frozen=True)
class _Entry:
    parts: tuple[int, ...]  # which parts of the state the result was computed from
    state: tuple[int | None, ...]  # those parts, then
    result: object


_results: OrderedDict[Hashable, _Entry] = OrderedDict()
_lock = threading.Lock()


def remembered[T](key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for ``key`` while the tables it read stood where they
    stand now."""
    full = (key, connection.alias)
    state = data_state()
    with _lock:
        entry = _results.get(full)
        if entry is not None and tuple(state[i] for i in entry.parts) == entry.state:
            _results.move_to_end(full)
            for reads in _open_reads():  # an enclosing computation read these too
                reads.parts.update(entry.parts)
            return entry.result  # type: ignore[return-value]
    outer = _open_reads()
    with _reading() as reads:
        result = compute()
    # An enclosing computation recorded the same statements itself.
    parts = set(reads.resolve())
    for enclosing in outer:
        parts |= enclosing.resolve()
    ordered = tuple(sorted(parts))
    with _lock:
        _results[full] = _Entry(ordered, tuple(state[i] for i in ordered), result)
        while len(_results) > KEEP:
            _results.popitem(last=False)
    return result


def evaluated[P: Page](page: P) -> P:
    """A page whose rows and count are read now (so that it can be remembered)."""
    page.object_list = list(page.object_list)
    page.paginator.count  # noqa: B018 (a cached property: read it now)
    return page


def forget() -> None:
    """Drop every remembered result (tests, whose rolled-back data can repeat a state)."""
    with _lock:
        _results.clear()
