"""Hand-made requests for the error paths a schema-driven fuzzer cannot produce: bytes on
the wire that are not a valid URL, body or header (api.md revision 2: every error body,
"including a malformed URL, an unsupported media type or an unsupported method", is
problem+json). Each answer must be no 5xx and keep the problem rule (problem.py); a 405
must carry Allow. The status itself is recorded, not judged: test/gateway owns that.

Usage: python probes.py BASE_URL NA_TOKEN SEED_JSON OUT_JSON
"""

import http.client
import json
import sys
import urllib.parse

from problem import problem_violation

BASE, NA, SEED, OUT = sys.argv[1:5]
url = urllib.parse.urlsplit(BASE)
with open(SEED) as fd:
    household = next(iter(json.load(fd)["tokens"].values()))

JSON = {"content-type": "application/json"}
PROBES = [
    ("malformed percent-encoding in the path", "GET", "/v1/markets/%zz", NA, {}, None),
    ("truncated percent-encoding in the query", "GET", "/v1/markets?status=%E0%A4%A", NA, {}, None),
    ("encoded NUL in a path parameter", "GET", "/v1/markets/fz-open/orders/%00", household, {}, None),
    ("unsupported media type", "POST", "/v1/markets", NA, {"content-type": "text/plain"}, b"deliveryStart=x"),
    ("malformed JSON body", "POST", "/v1/markets", NA, JSON, b'{"deliveryStart":'),
    ("JSON body that is not an object", "POST", "/v1/markets", NA, JSON, b"[1,2,3]"),
    ("body above the size limit (2 MiB)", "POST", "/v1/markets", NA, JSON, b'{"id":"' + b"a" * (2 << 20) + b'"}'),
    ("unsupported method on a known path", "DELETE", "/v1/markets", NA, {}, None),
    ("unsupported method on a public path", "PUT", "/health", None, JSON, b"{}"),
    ("QUERY (a draft method) on a known path", "QUERY", "/v1/markets", NA, {}, None),
    ("unknown route", "GET", "/v1/nope", NA, {}, None),
    ("unknown bearer token", "GET", "/v1/markets", "not-a-token", {}, None),
    ("not a bearer scheme", "GET", "/v1/markets", None, {"authorization": "Basic Zm9vOmJhcg=="}, None),
    ("oversized header (20 KB)", "GET", "/v1/markets", NA, {"x-padding": "a" * 20000}, None),
]

results = []
for name, method, target, token, headers, body in PROBES:
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
    sent = dict(headers)
    if token:
        sent["authorization"] = f"Bearer {token}"
    try:
        try:
            conn.request(method, target, body=body, headers=sent)
        except (BrokenPipeError, ConnectionResetError):
            # The gateway may answer (413) and close before a large body is all sent:
            # its answer is already in the socket, so read it rather than call it lost.
            pass
        res = conn.getresponse()
        content = res.read()
        status, ctype = res.status, res.getheader("content-type")
        violation = problem_violation(status, ctype, content, method)
        if violation is None and status >= 500:
            violation = f"server error {status}"
        if violation is None and status == 405 and not res.getheader("allow"):
            violation = "405 without an Allow header"
        allow = res.getheader("allow")
    except (OSError, http.client.HTTPException) as err:
        status, ctype, content, allow = None, None, b"", None
        violation = f"no HTTP answer: {type(err).__name__}: {err}"
    finally:
        conn.close()
    results.append(
        {
            "probe": name,
            "request": f"{method} {target if len(target) < 120 else target[:117] + '...'}",
            "headers": {k: (v if len(v) < 60 else v[:20] + f"... ({len(v)} chars)") for k, v in headers.items()},
            "body_bytes": len(body or b""),
            "status": status,
            "content_type": ctype,
            "allow": allow,
            "body": content[:300].decode(errors="replace"),
            "violation": violation,
        }
    )

with open(OUT, "w") as fd:
    json.dump(results, fd, indent=1)
bad = [r for r in results if r["violation"]]
print(f"[fuzz] probes: {len(results)} hand-made requests, {len(bad)} failing")
for r in bad:
    print(f"[fuzz]   {r['probe']}: {r['request']} -> {r['status']}: {r['violation']}")
sys.exit(1 if bad else 0)
