"""The generated OpenAPI document as a validator of the bodies the API answers.

A test that checks every body it receives against the schema the document gives for that
path, method and status keeps the document from drifting from what the endpoints return.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects as JSON Schema: `nullable: true` becomes "or null"."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [{"type": "null"}, converted]}
    return converted


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (`#/components/...`) to the object it names."""
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = document
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def _path_template(document: dict[str, Any], path: str) -> str | None:
    for template in document["paths"]:
        if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", template), path):
            return template
    return None


def response_schema(
    document: dict[str, Any], path: str, status: int, method: str = "get"
) -> dict[str, Any]:
    """The JSON Schema the document promises for `method` on `path` answered with `status`.

    Paths the document does not know (unknown URLs) answer with its `Error` schema.
    """
    template = _path_template(document, path)
    if template is None:
        schema: dict[str, Any] = {"$ref": "#/components/schemas/Error"}
    else:
        responses = document["paths"][template][method.lower()]["responses"]
        response = resolve(document, responses.get(str(status)) or responses["default"])
        schema = response["content"]["application/json"]["schema"]
    root = {**_json_schema(schema), "components": _json_schema(document["components"])}
    jsonschema.Draft202012Validator.check_schema(root)
    return root


def assert_matches_document(
    document: dict[str, Any], path: str, status: int, body: Any, method: str = "get"
) -> None:
    jsonschema.Draft202012Validator(response_schema(document, path, status, method)).validate(body)
