"""The error answers every operation can give, written into the OpenAPI schema (drf-spectacular
documents only the successful ones by itself)."""

from __future__ import annotations

from typing import Any

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Messages by field name ('detail' or 'non_field_errors' for the record).",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
    },
}
CONFLICT = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "current": {"type": "object"}},
    "required": ["detail", "current"],
}
ERRORS = {
    "400": ("The request or a field is invalid; nothing was changed.", FIELD_ERRORS),
    "401": ("No token, or an unknown or revoked one.", DETAIL),
    "403": ("Your role does not allow this, or not on this program.", DETAIL),
}
NOT_FOUND = {"404": ("No such record, or no such page of a list.", DETAIL)}
ON_UPDATE = {"409": ("The record changed since the version sent; 'current' holds it.", CONFLICT)}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            answers = ERRORS | NOT_FOUND
            if method in ("put", "patch"):
                answers |= ON_UPDATE
            responses = operation.setdefault("responses", {})
            for code, (description, schema) in answers.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": schema}},
                    },
                )
    return result
