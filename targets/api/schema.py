"""The API schema documents the errors every operation can answer, as the API answers them.

drf-spectacular documents the successful responses and the ones a view declares; the errors
DRF itself gives (400 for bad input, 401/403 without the right, 404 for an unknown object, 415
for a body in a media type the operation does not read) are
added here for every operation, so that a client (and the schema fuzzing in the tests) knows
every status and body the API can send.
"""

from __future__ import annotations

from typing import Any

DETAIL = "ErrorDetail"
INVALID = "ValidationErrors"
SCHEMAS: dict[str, dict[str, Any]] = {
    DETAIL: {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    INVALID: {
        "type": "object",
        "description": "What is wrong with each field (or `non_field_errors`, `detail`).",
        "additionalProperties": {},
    },
}
QUESTIONED = "ValueQuestioned"
SCHEMAS[QUESTIONED] = {
    "type": "object",
    "description": "A figure the rule questions (targets/anomaly.py), sent without a commentary "
    "explaining it or without `questioned_acknowledged: true`: nothing was saved.",
    "properties": {
        "code": {"type": "string", "enum": ["value_questioned"]},
        "detail": {"type": "string"},
        "commentary": {"type": "array", "items": {"type": "string"}},
        "question": {
            "type": "object",
            "properties": {
                "kind": {"type": "string", "enum": ["ratio", "history", "seasonal", "peers"]},
                "reason": {"type": "string"},
                "low": {"type": "string", "format": "decimal"},
                "high": {"type": "string", "format": "decimal"},
                "low_text": {"type": "string"},
                "high_text": {"type": "string"},
                "basis": {"type": "string"},
                "k": {"type": "string", "nullable": True},
            },
            "required": ["kind", "reason", "low", "high", "basis"],
        },
    },
    "required": ["code", "detail", "question"],
}
ERRORS = {
    "400": ("The request is invalid: what is wrong, by field.", INVALID),
    "401": ("Not signed in (token authentication).", DETAIL),
    "403": ("Not signed in, or not allowed.", DETAIL),
    "404": ("No such object, or not one the user may see.", DETAIL),
}
# An operation that reads a body answers 415 to a body in a media type it does not read.
WITH_BODY = {"415": ("The body's media type is not one this operation reads.", DETAIL)}
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _response(description: str, schema: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def document_errors(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """A drf-spectacular postprocessing hook: add the error responses to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            errors = {**ERRORS, **WITH_BODY} if "requestBody" in operation else ERRORS
            for status, (description, schema) in errors.items():
                responses.setdefault(status, _response(description, schema))
    return result
