"""Forms of the import pages: the upload, then the column mapping."""

from __future__ import annotations

from typing import Any

from django import forms

from integrations.importer import Mapping, Source
from integrations.kinds import KINDS, Kind
from integrations.presets import PRESETS
from integrations.tables import DELIMITERS, MAX_BYTES, FileRefused, Table, read_table
from tpmo.roles import Role

ENCODING_CHOICES = [
    ("auto", "Guess (UTF-8, else Windows-1252)"),
    ("utf-8", "UTF-8"),
    ("cp1252", "Windows-1252 (Excel's plain CSV)"),
]
DELIMITER_LABELS = {
    "auto": "Guess",
    "comma": "Comma ,",
    "semicolon": "Semicolon ;",
    "tab": "Tab",
    "pipe": "Pipe |",
}
DELIMITER_CHOICES = [(name, DELIMITER_LABELS[name]) for name in DELIMITERS]


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text=f"CSV or XLSX, at most {MAX_BYTES // 1024 // 1024} MB. The first line names the "
        "columns.",
    )
    kind = forms.ChoiceField(
        label="What the rows are",
        choices=[(kind.slug, kind.label) for kind in KINDS.values()],
        initial="milestones",
    )
    preset = forms.ChoiceField(
        label="Saved mapping",
        choices=[("", "None: match columns by name")]
        + [(preset.slug, preset.label) for preset in PRESETS.values()],
        required=False,
        help_text="A saved mapping sets the kind of rows itself.",
    )
    encoding = forms.ChoiceField(label="Encoding", choices=ENCODING_CHOICES, initial="auto")
    delimiter = forms.ChoiceField(
        label="Delimiter (CSV)", choices=DELIMITER_CHOICES, initial="auto"
    )

    def __init__(self, *args: Any, role: Role | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        self.table: Table | None = None
        self.data_bytes = b""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        preset = PRESETS.get(cleaned.get("preset") or "")
        if preset is not None:
            cleaned["kind"] = preset.kind.slug
        kind = KINDS.get(cleaned.get("kind") or "")
        if kind is not None and kind.admin_only and self.role is not Role.ADMIN:
            self.add_error("kind", f"Only TPMO admins import {kind.label.lower()}.")
        upload = cleaned.get("file")
        if upload is None or self.errors:
            return cleaned
        if upload.size > MAX_BYTES:
            self.add_error(
                "file",
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files.",
            )
            return cleaned
        self.data_bytes = upload.read()
        try:
            self.table = read_table(
                self.data_bytes,
                upload.name or "",
                encoding=cleaned["encoding"],
                delimiter=cleaned["delimiter"],
            )
        except FileRefused as refused:
            self.add_error("file", str(refused))
        return cleaned


NOT_IMPORTED = ""


class MappingForm(forms.Form):
    """For each of the kind's columns: the file column it comes from, and a default."""

    def __init__(self, *args: Any, kind: Kind, table: Table, mapping: Mapping, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kind, self.table, self.stored = kind, table, mapping
        choices = [(NOT_IMPORTED, "— not imported —")] + [
            (header, header) for header in dict.fromkeys(table.headers)
        ]
        for column in kind.columns:
            source = mapping.get(column.name)
            required = " (required to add)" if column.required else ""
            self.fields[f"{column.name}__column"] = forms.ChoiceField(
                label=f"{column.name}{required}",
                choices=choices,
                required=False,
                initial=source.columns[0] if source and source.columns else NOT_IMPORTED,
            )
            self.fields[f"{column.name}__default"] = forms.CharField(
                label=f"Default for {column.name}",
                required=False,
                max_length=200,
                initial=source.default if source else "",
            )

    def rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (column, self[f"{column.name}__column"], self[f"{column.name}__default"])
            for column in self.kind.columns
        ]

    def mapping(self) -> Mapping:
        """The mapping chosen; a saved mapping's extras (other columns, value translations) are
        kept for a field whose first column the user left as it was."""
        chosen: Mapping = {}
        for column in self.kind.columns:
            header = self.cleaned_data.get(f"{column.name}__column") or NOT_IMPORTED
            default = (self.cleaned_data.get(f"{column.name}__default") or "").strip()
            stored = self.stored.get(column.name)
            if header == NOT_IMPORTED and not default:
                continue
            if stored is not None and stored.columns and stored.columns[0] == header:
                chosen[column.name] = Source(
                    stored.columns, default, stored.translate, stored.create_only
                )
            else:
                chosen[column.name] = Source((header,) if header else (), default)
        return chosen


def mapping_to_json(mapping: Mapping) -> dict[str, Any]:
    return {
        name: {
            "columns": list(source.columns),
            "default": source.default,
            "translate": source.translate,
            "create_only": source.create_only,
        }
        for name, source in mapping.items()
    }


def mapping_from_json(data: dict[str, Any]) -> Mapping:
    return {
        name: Source(
            tuple(entry.get("columns", ())),
            entry.get("default", ""),
            dict(entry.get("translate", {})),
            bool(entry.get("create_only", False)),
        )
        for name, entry in data.items()
    }
