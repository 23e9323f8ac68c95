"""The OpenAPI schema's error responses, added to every operation once here rather
than on each view: what any endpoint may answer besides its own success."""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# Field by field ({"numerator": ["…"]}, nested for batch rows), or {"detail": "…"}.
FIELD_ERRORS = {"type": "object", "additionalProperties": True}

COMMON = {
    "400": ("Bad request: invalid parameters or body, messages by field.", "FieldErrors"),
    "401": ("No token, or a wrong or revoked one (WWW-Authenticate: Bearer).", "Error"),
    "403": ("The user's roles do not allow this.", "Error"),
    "404": ("Not found in the user's scope.", "Error"),
    "429": ("Too many requests for this token (Retry-After).", "Error"),
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: the responses of ``COMMON`` on every
    operation that does not describe them itself."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, (description, component) in COMMON.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{component}"}
                            }
                        },
                    },
                )
    return result
