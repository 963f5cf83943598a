"""Schemathesis hooks for scripts/fuzz/run.sh (loaded through SCHEMATHESIS_HOOKS).

- `problem_json_errors`, a check: every 4xx/5xx is `application/problem+json` whose body
  is an object with `type`, `title`, `detail`, `code` (strings) and `status` equal to the
  HTTP status (api.md, Errors; RFC 9457; the rule is in problem.py). Schemathesis' own
  content_type_conformance and response_schema_conformance judge only the statuses the
  OpenAPI documents; this one covers every error response, documented or not.
- `use_seeded_ids`, a map_case hook: with probability SEEDED_ID_RATE a positive path
  parameter `id` / `orderId` is replaced by one that seed.py created (FUZZ_SEED_FILE), so
  the fuzzer reaches the code behind existing markets, orders and participants instead of
  stopping at 404; in a household's pass (FUZZ_AS) mostly its own participant and orders.
  Negative path values are left alone, and schemathesis revalidates a
  case after a hook edits it, so its positive/negative label stays true.
"""

import json
import os
import random

import schemathesis
from problem import problem_violation

SEEDED_ID_RATE = 0.6
OWN_RATE = 0.7
_seed = {}
if os.environ.get("FUZZ_SEED_FILE"):
    with open(os.environ["FUZZ_SEED_FILE"]) as fd:
        _seed = json.load(fd)
_rng = random.Random(os.environ.get("FUZZ_HOOK_SEED", "0"))
_as = os.environ.get("FUZZ_AS")  # the participant whose token this pass sends, if a household


@schemathesis.check
def problem_json_errors(ctx, response, case):
    """Every 4xx/5xx is application/problem+json with type, title, status, detail and code."""
    types = response.headers.get("content-type") or []
    violation = problem_violation(response.status_code, types[0] if types else None, response.content, case.method)
    if violation:
        raise AssertionError(violation)
    return None


def _is_positive(case, location):
    meta = case.meta
    if meta is None:
        return True
    component = meta.components.get(location) if meta.components else None
    mode = component.mode if component is not None else meta.generation.mode
    return str(getattr(mode, "value", mode)) == "positive"


def _pick(items, own):
    """One of `items`, most often one of `own` (the caller's), when it has any."""
    return _rng.choice(own if own and _rng.random() < OWN_RATE else items)


@schemathesis.hook("map_case")
def use_seeded_ids(ctx, case):
    params = case.path_parameters
    if not _seed or not params or not _is_positive(case, "path") or _rng.random() >= SEEDED_ID_RATE:
        return case
    path = case.operation.path
    if "id" in params:
        if path.startswith("/v1/markets/"):
            markets = list(_seed.get("markets", {}))
            if markets:
                params["id"] = _rng.choice(markets)
        elif path.startswith("/v1/participants/"):
            participants = list(_seed.get("participants", {}))
            if participants:
                params["id"] = _pick(participants, [p for p in participants if p == _as])
    if "orderId" in params:
        orders = _seed.get("orders", {}).get(params.get("id"), [])
        if not orders:
            orders = [order for group in _seed.get("orders", {}).values() for order in group]
        if orders:
            params["orderId"] = _pick(orders, [o for o in orders if o["owner"] == _as])["id"]
    return case
