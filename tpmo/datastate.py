"""Portfolio-wide results remembered until the data changes.

The state of the data is read in one cheap query: the newest history row of every model that keeps
history (every write path of the site saves one: forms, htmx edits, the admin, imports, the API,
commands; deletions too) and the newest weekly snapshot. Any committed write moves it forward, so a
result remembered under a state is exactly what computing it again would give — for the same day
and the same inputs, which are part of the key. Each process keeps its own few results (a page's
figures, not its HTML), so nothing is shared between workers and nothing needs invalidating.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.apps import apps
from django.db import connection

KEEP = 32  # results per process (a few filter combinations of a few pages)
_TRACKED_APPS = ("programs", "risks", "review")

_results: OrderedDict[Hashable, object] = OrderedDict()
_lock = threading.Lock()
_query: str | None = None


def _state_query() -> str:
    quote = connection.ops.quote_name
    parts = []
    for label in _TRACKED_APPS:
        for model in apps.get_app_config(label).get_models():
            historical = model.__name__.startswith("Historical")
            if historical or label == "review":
                column = "history_id" if historical else model._meta.pk.column
                # Names of our own tables and columns, quoted: nothing from outside.
                table = quote(model._meta.db_table)
                parts.append(f"(SELECT MAX({quote(column)}) FROM {table})")  # noqa: S608
    return "SELECT " + ", ".join(parts)


def data_state() -> tuple[int | None, ...]:
    """Where the data stands: changes with every committed write."""
    global _query
    if _query is None:
        _query = _state_query()
    with connection.cursor() as cursor:
        cursor.execute(_query)
        return tuple(cursor.fetchone())


def remembered[T](key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for ``key`` while the data stood where it stands now."""
    full = (key, connection.alias, data_state())
    with _lock:
        if full in _results:
            _results.move_to_end(full)
            return _results[full]  # type: ignore[return-value]
    result = compute()
    with _lock:
        _results[full] = result
        while len(_results) > KEEP:
            _results.popitem(last=False)
    return result


def forget() -> None:
    """Drop every remembered result (tests, whose rolled-back data can repeat a state)."""
    with _lock:
        _results.clear()
