"""Saving a record so that its history says who changed it and why."""

from typing import Any


def save_with_history(instance: Any, *, by: Any, reason: str = "") -> None:
    """Validate (``full_clean``) and save ``instance``; its history row names ``by`` and ``reason``.

    simple-history takes the user from the request in web requests; services pass it explicitly so
    that management commands and background work are attributed too.
    """
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    instance.full_clean()
    instance.save()
