"""Schema post-processing: what reading answers besides 200, so clients and the fuzzer know."""

ERRORS = {
    "type": "object",
    "additionalProperties": True,
    "description": "Messages by field name, or under `detail`.",
}


def document_errors(result, generator, request, public):
    """Add the 400 (a parameter is not valid) and 404 (no such object, or a cursor that is not
    one of ours) that every read can answer."""
    for operations in result["paths"].values():
        for method, operation in operations.items():
            if method != "get":
                continue
            responses = operation.setdefault("responses", {})
            content = {"application/json": {"schema": ERRORS}}
            responses.setdefault(
                "400", {"description": "A parameter is not valid.", "content": content}
            )
            responses.setdefault(
                "404",
                {
                    "description": "No such object, or the page cursor is not valid.",
                    "content": content,
                },
            )
    _document_preconditions(result)
    return result


def _document_preconditions(result):
    """Add the 412 of every write that takes ``If-Match``."""
    for operations in result["paths"].values():
        for operation in operations.values():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            if "If-Match" in headers:
                operation["responses"].setdefault(
                    "412",
                    {
                        "description": "The milestone changed since the version If-Match names.",
                        "content": {"application/json": {"schema": ERRORS}},
                    },
                )
