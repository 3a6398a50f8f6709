"""Schema post-processing: what each operation answers besides success, and who may call it, so
clients and the fuzzer know."""

ERRORS = {
    "type": "object",
    "additionalProperties": True,
    "description": "Messages by field name, or under `detail`.",
}
ANONYMOUS: dict[str, list[str]] = {}


def document_errors(result, generator, request, public):
    """Add the answers every operation can give besides success: a read's 400 (a parameter is not
    valid) and 404 (no such object, or a cursor that is not one of ours); a write's 400 (the body
    is not valid), 403 (no credentials, or not an editor's) and, at an object's address, 404; the
    412 of a write that takes ``If-Match``. Reads need no credentials, so anonymous is allowed."""
    for path, operations in result["paths"].items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            security = operation.setdefault("security", [])
            if method == "get":
                if ANONYMOUS not in security:
                    security.append(ANONYMOUS)
                _add(responses, "400", "A parameter is not valid.")
                _add(responses, "404", "No such object, or the page cursor is not valid.")
                continue
            _add(responses, "400", "The body is not valid: messages by field.")
            if ANONYMOUS not in security:
                _add(responses, "403", "No credentials, or they are not an editor's.")
            if "{" in path:
                _add(responses, "404", "No such object.")
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            if "If-Match" in headers:
                _add(responses, "412", "The milestone changed since the version If-Match names.")
    return result


def _add(responses, code, description):
    content = {"application/json": {"schema": ERRORS}}
    responses.setdefault(code, {"description": description, "content": content})
