"""The OpenAPI document, with the errors that come from shared machinery written down once.

A route declares the errors of its own logic (403, 404, 409 …) in `responses=`. The ones every route of
a kind can give are added here, in the one error model, so the document is true without repeating them:

- 422 for a route with parameters or a body (FastAPI would document its own `{"detail": …}` shape,
  which this API never sends: backend.core.errors renders validation errors in the error model);
- 401 for a route that identifies its caller (the Authorization header of backend.auth.actor);
- 400 for a route that takes a body: one that cannot even be decoded (bytes that are not UTF-8, a
  broken multipart stream) is refused before validation;
- 413 for a route that takes a body (backend.core.body_limit).
"""

from typing import Any

from fastapi import FastAPI

from backend.core.errors import ErrorResponse

_SHARED = {
    "422": "填写的信息有误（details 逐项说明）",
    "401": "未验证身份，或令牌已过期",
    "413": "提交的内容太大",
    "400": "请求体无法解析（不是有效的 JSON 或表单）",
}
_REF = "#/components/schemas/ErrorResponse"
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _error_model_components(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorResponse" in components:
        return
    generated = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(generated.pop("$defs", {}))
    components["ErrorResponse"] = generated


def _identifies_caller(operation: dict[str, Any]) -> bool:
    return any(p.get("in") == "header" and p.get("name", "").lower() == "authorization"
               for p in operation.get("parameters", []))


def add_shared_errors(schema: dict[str, Any]) -> dict[str, Any]:
    _error_model_components(schema)
    content = {"application/json": {"schema": {"$ref": _REF}}}
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            codes = []
            if operation.get("parameters") or operation.get("requestBody"):
                codes.append("422")
            if _identifies_caller(operation):
                codes.append("401")
            if operation.get("requestBody"):
                codes += ["400", "413"]
            for code in codes:
                declared = responses.get(code)
                if declared is None or "HTTPValidationError" in str(declared):
                    responses[code] = {"description": _SHARED[code], "content": content}
    # FastAPI's own validation-error shapes are no longer referenced by anything.
    components = schema.get("components", {}).get("schemas", {})
    if "HTTPValidationError" in components and "HTTPValidationError" not in str(schema.get("paths")):
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
    return schema


def install_openapi(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_shared_errors(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
