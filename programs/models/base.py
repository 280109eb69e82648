"""Shared model pieces: timestamps, validators, and the "belongs to a program" mixin."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,23}$",
    "Use 2–24 capital letters, digits or hyphens, starting with a letter or digit (e.g. PAY-01).",
)

percent_validators = [MinValueValidator(0), MaxValueValidator(100)]
ONE_TO_FIVE = "Choose a level from 1 (lowest) to 5 (highest)."
one_to_five = [MinValueValidator(1, ONE_TO_FIVE), MaxValueValidator(5, ONE_TO_FIVE)]
money_validators = [MinValueValidator(0)]

#: Money: at most 13 digits before the point — within what SQLite's REAL (a double) holds exactly.
MONEY = {"max_digits": 15, "decimal_places": 2}


class TimeStampedModel(models.Model):
    """Created/updated stamps, and a version that every save bumps (optimistic concurrency: an
    edit made from a form opened at version N is refused once the record is past N)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
        super().save(*args, **kwargs)


def dates_in_order(start: str, end: str, name: str, message: str) -> models.CheckConstraint:
    """A database check that ``end`` is not before ``start`` (either may be empty)."""
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=message,
    )


def between(field: str, low: int, high: int, name: str, message: str) -> models.CheckConstraint:
    """A database check that ``field`` lies in [low, high] (or is empty)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": low, f"{field}__lte": high}),
        name=name,
        violation_error_message=message,
    )


def non_negative(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}),
        name=name,
        violation_error_message=f"{field.replace('_', ' ').capitalize()} cannot be negative.",
    )


def check_order(
    errors: dict[str, list[str]],
    start: date | None,
    end: date | None,
    end_field: str,
    message: str,
) -> None:
    """Put ``message`` on ``end_field`` when ``end`` comes before ``start``."""
    if start is not None and end is not None and end < start:
        errors.setdefault(end_field, []).append(message)


class BelongsToProgram(TimeStampedModel):
    """A record attached to a program, or to one project of that program.

    The program is always set (so scoping and roll-ups need no OR); when a project is given, the
    program is taken from it, and a project of another program is refused.
    """

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="%(app_label)s_%(class)ss"
    )
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)ss",
        help_text="Leave empty when the record concerns the program as a whole.",
    )

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if self.project_id and not self.program_id:
            self.program_id = self.project.program_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        super().clean()
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            raise ValidationError(
                {"project": f"Project {self.project.code} is not part of program {self.program}."}
            )

    @property
    def scope_label(self) -> str:
        return self.project.code if self.project_id else self.program.code
