"""The rule every 4xx/5xx answer of the gateway must meet (api.md, Errors; RFC 9457):
content-type application/problem+json, and a JSON object body with non-empty string
`type`, `title`, `detail` and `code`, and `status` equal to the HTTP status.
Used by hooks.py (the schemathesis check) and probes.py."""

import json

FIELDS = ("type", "title", "detail", "code")


def problem_violation(status, content_type, body, method="GET"):
    """Why this response breaks the rule, or None when it keeps it (or is no error)."""
    if status < 400:
        return None
    media = (content_type or "").split(";")[0].strip().lower()
    if media != "application/problem+json":
        return f"{status} answered with content-type {content_type or '(none)'!r}, not application/problem+json"
    if method.upper() == "HEAD":
        return None
    try:
        problem = json.loads(body)
    except ValueError:
        return f"{status} problem body is not JSON"
    if not isinstance(problem, dict):
        return f"{status} problem body is not a JSON object"
    missing = [name for name in FIELDS if not isinstance(problem.get(name), str) or not problem.get(name)]
    if missing:
        return f"{status} problem body lacks string field(s): {', '.join(missing)}"
    if problem.get("status") != status:
        return f"problem body status {problem.get('status')!r} differs from the HTTP status {status}"
    return None
