"""Which records an import or an API call may write: those of the programs the user may change
(``editable_by``), whichever way the record reaches its program."""

from __future__ import annotations

from typing import Any

from programs.models import Dependency, Program
from tpmo.roles import Role, role_of


def programs_of(record: Any) -> list[Program]:
    """The programs whose owners may change ``record`` (a dependency: either end's); none for a
    program not saved yet or for reference data."""
    if isinstance(record, Program):
        return [record] if record.pk else []
    if isinstance(record, Dependency):
        return [
            getattr(record, f"{end}_project").program
            for end in ("predecessor", "successor")
            if getattr(record, f"{end}_project_id", None)
        ]
    if getattr(record, "program_id", None):
        return [record.program]
    if getattr(record, "project_id", None):
        return [record.project.program]
    return []


class Scope:
    """The programs a user may change, read once (None: every one)."""

    def __init__(self, user: Any) -> None:
        # No user: the command line, run by whoever operates the server, may change anything.
        self.role = Role.ADMIN if user is None else role_of(user)
        self.programs: set[int] | None = (
            None
            if self.role is Role.ADMIN
            else set(Program.objects.editable_by(user).values_list("pk", flat=True))
        )

    def allows(self, record: Any) -> bool:
        """``record`` (as it stands in memory) belongs to a program the user may change."""
        if self.programs is None:
            return True
        return any(program.pk in self.programs for program in programs_of(record))


def where(record: Any, fallback: str) -> str:
    """The program(s) of ``record`` as a message names them."""
    codes = sorted({program.code for program in programs_of(record)})
    return "program " + " or ".join(codes) if codes else fallback
