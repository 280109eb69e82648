"""Saving a record so that its history says who changed it, and no one's edit is lost."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError


class StaleEdit(ValidationError):
    """The record changed since the form was opened; ``current`` holds what is stored now."""

    def __init__(self, current: Any) -> None:
        super().__init__(
            "Someone else changed this record since you opened it. Their version is shown "
            "below; your changes are kept in the form — check them and save again.",
            code="stale",
        )
        self.current = current


def check_version(instance: Any, expected_version: int | None) -> None:
    """Refuse the write when the stored record is past ``expected_version``.

    Call inside the write's transaction: the row is locked (PostgreSQL) or the database is
    (SQLite, whose transactions begin IMMEDIATE), so no one can slip in between check and save.
    """
    if expected_version is None or instance.pk is None:
        return
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if current.version != expected_version:
        raise StaleEdit(current)


def save_with_history(
    instance: Any, *, by: Any, reason: str = "", expected_version: int | None = None
) -> None:
    """Validate (``full_clean``) and save ``instance``; its history row names ``by`` and ``reason``.

    simple-history takes the user from the request in web requests; services pass it explicitly so
    that management commands and background work are attributed too. With ``expected_version``
    the save is refused (``StaleEdit``) if someone saved the record in the meantime.
    """
    check_version(instance, expected_version)
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    instance.full_clean()
    instance.save()


@dataclass(frozen=True)
class Change:
    label: str  # the field's name as people read it ("Forecast date")
    old: Any
    new: Any


def change_log(record: Any) -> list[tuple[Any, list[Change]]]:
    """One record's whole history, newest first, each version with the changes it made."""
    return recent_changes(record.history.all(), limit=None)


def recent_changes(*histories: Any, limit: int | None = 30) -> list[tuple[Any, list[Change]]]:
    """The newest ``limit`` versions across history querysets (a program's, or a project's and its
    milestones'), each with the field changes it made against the previous version of the same
    record: one query per queryset, diffs worked in memory."""
    entries = []
    for history in histories:
        previous: dict[Any, Any] = {}
        for version in history.select_related("history_user").order_by(
            "history_date", "history_id"
        ):
            before = previous.get(version.id)
            changes = version.diff_against(before).changes if before is not None else []
            fields = version.instance_type._meta
            entries.append(
                (
                    version,
                    [
                        Change(
                            str(fields.get_field(c.field).verbose_name).capitalize(), c.old, c.new
                        )
                        for c in changes
                    ],
                )
            )
            previous[version.id] = version
    entries.sort(key=lambda entry: (entry[0].history_date, entry[0].history_id), reverse=True)
    return entries[:limit]
