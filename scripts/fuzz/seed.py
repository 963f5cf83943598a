"""Seeds a fresh gateway through its own API so the fuzzer reaches deep paths.

Usage: python seed.py BASE_URL NA_TOKEN OUT_JSON

Creates two approved households (a prosumer and a consumer), a pending registration,
a suspended household, and five markets an hour apart, two days ahead:
  fz-open      open, with a sell order (h1) and a buy order (h2)
  fz-scheduled created, not opened
  fz-settled   opened, both households ordered, closed (so results and accounts have entries)
  fz-cancelled opened, one order, cancelled
  fz-open-2    open, with a buy order (h2) only, so h1 can still place one (201)
and writes the ids and household tokens to OUT_JSON for hooks.py. The open market with
its two orders is required (exit 1 without it); the others are best effort, reported.
Standard library only; every request goes to BASE_URL (loopback).
"""

import datetime as dt
import json
import sys
import urllib.error
import urllib.request

BASE, NA, OUT = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
requests_sent = 0


class Refused(Exception):
    pass


def call(method, path, token=None, body=None, headers=None):
    global requests_sent
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if token:
        req.add_header("authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("content-type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    requests_sent += 1
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as err:
        text = err.read().decode(errors="replace")[:300]
        raise Refused(f"{method} {path} -> {err.code}: {text}") from None


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


seed = {"participants": {}, "tokens": {}, "markets": {}, "orders": {}, "warnings": []}


def participant(pid, kind, **extra):
    _, res = call("POST", "/v1/participants", NA, {"id": pid, "name": f"Fuzz {pid}", "kind": kind, **extra})
    seed["participants"][pid] = "approved"
    seed["tokens"][pid] = res["token"]
    return res["token"]


def market(mid, start):
    call("POST", "/v1/markets", NA, {"id": mid, "deliveryStart": iso(start), "gridBuyPrice": 130000, "gridSellPrice": 40000})
    seed["markets"][mid] = "scheduled"


def open_market(mid):
    call("POST", f"/v1/markets/{mid}/open", NA)
    seed["markets"][mid] = "open"


def order(mid, token, owner, body, key=None):
    _, res = call("POST", f"/v1/markets/{mid}/orders", token, body, {"idempotency-key": key} if key else None)
    seed["orders"].setdefault(mid, []).append({"id": res["id"], "owner": owner})
    return res["id"]


def best_effort(what, fn):
    try:
        fn()
    except Refused as err:
        seed["warnings"].append(f"{what}: {err}")


try:
    h1 = participant("fz-h1", "prosumer", pvKwp=5.5, batteryKwh=13.5, lot=1, dwelling="villa")
    h2 = participant("fz-h2", "consumer", lot=1, dwelling="flat")
    t0 = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    market("fz-open", t0)
    open_market("fz-open")
    order("fz-open", h1, "fz-h1", {"side": "sell", "energyWh": 3000}, key="fz-h1-open-1")
    order("fz-open", h2, "fz-h2", {"side": "buy", "energyWh": 4000, "limitPrice": 100000, "clientOrderId": "fz-h2-open-1"})
except Refused as err:
    print(f"[fuzz] seeding failed: {err}", file=sys.stderr)
    sys.exit(1)


def registration():
    call("POST", "/v1/registrations", None, {"id": "fz-h3", "name": "Fuzz fz-h3", "kind": "consumer"})
    seed["participants"]["fz-h3"] = "pending"


def suspended():
    participant("fz-h4", "storage", batteryKwh=20)
    call("POST", "/v1/participants/fz-h4/suspend", NA)
    seed["participants"]["fz-h4"] = "suspended"


def settled():
    market("fz-settled", t0 + dt.timedelta(hours=2))
    open_market("fz-settled")
    order("fz-settled", h1, "fz-h1", {"side": "sell", "energyWh": 2000})
    order("fz-settled", h2, "fz-h2", {"side": "buy", "energyWh": 3000, "limitPrice": 100000})
    call("POST", "/v1/markets/fz-settled/close", NA)
    seed["markets"]["fz-settled"] = "settled"


def cancelled():
    market("fz-cancelled", t0 + dt.timedelta(hours=3))
    open_market("fz-cancelled")
    order("fz-cancelled", h2, "fz-h2", {"side": "buy", "energyWh": 1000, "limitPrice": 90000})
    call("POST", "/v1/markets/fz-cancelled/cancel", NA)
    seed["markets"]["fz-cancelled"] = "cancelled"


best_effort("pending registration fz-h3", registration)
best_effort("suspended household fz-h4", suspended)
best_effort("scheduled market fz-scheduled", lambda: market("fz-scheduled", t0 + dt.timedelta(hours=1)))
best_effort("settled market fz-settled", settled)
best_effort("cancelled market fz-cancelled", cancelled)


def second_open():
    market("fz-open-2", t0 + dt.timedelta(hours=4))
    open_market("fz-open-2")
    order("fz-open-2", h2, "fz-h2", {"side": "buy", "energyWh": 2500, "limitPrice": 120000})


best_effort("open market fz-open-2", second_open)

seed["requests"] = requests_sent
with open(OUT, "w") as fd:
    json.dump(seed, fd, indent=1)
orders = sum(len(v) for v in seed["orders"].values())
print(
    f"[fuzz] seeded {len(seed['participants'])} participants, {len(seed['markets'])} markets "
    f"({', '.join(f'{k} {v}' for k, v in seed['markets'].items())}), {orders} orders in {requests_sent} requests"
)
for warning in seed["warnings"]:
    print(f"[fuzz] seeding warning: {warning}")
