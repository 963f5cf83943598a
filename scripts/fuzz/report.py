"""Counts and findings of one scripts/fuzz/run.sh run.

Usage: python report.py WORK_DIR FINDINGS_MD PASS:EXIT_CODE...

Reads, in WORK_DIR: reports/<pass>/ndjson-*.ndjson and json-*.json (schemathesis),
gateway.log (the gateway's pino log: one `request completed` line per answer),
seed.json (seed.py) and probes.json (probes.py). Prints the counts, writes FINDINGS_MD
(one entry per distinct failure: operation, request, response, check), and exits 1 when
the gateway answered any 5xx, whatever schemathesis made of it, with 3; run.sh decides
the rest.
"""

import base64
import collections
import datetime as dt
import glob
import json
import os
import re
import sys

work, findings_path, *pass_codes = sys.argv[1:]
passes = [(item.split(":")[0], int(item.split(":")[1])) for item in pass_codes]


def decode(content):
    if not content:
        return ""
    if "$base64" in content:
        return base64.b64decode(content["$base64"]).decode(errors="replace")
    return content.get("string", "") if isinstance(content, dict) else str(content)


def excerpt(text, limit=400):
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def request_line(req):
    headers = {k: v for k, v in (req.get("headers") or {}).items() if k.lower() != "authorization"}
    hdr = "".join(f" -H '{k}: {excerpt(', '.join(v), 80)}'" for k, v in headers.items())
    body = decode(req.get("body"))
    data = f" -d '{excerpt(body, 300)}'" if body else ""
    return f"curl -X {req['method']}{hdr}{data} '{req['uri']}'"


def first_line(message):
    return (message or "").strip().split("\n")[0]


# Distinct failure: (operation, check, what went wrong with the variable parts blurred:
# values, JSON, methods, numbers other than status codes).
def signature(operation, check, message):
    line = first_line(message).split("{")[0]
    line = re.sub(r"\b(TRACE|PUT|POST|GET|DELETE|PATCH|OPTIONS|QUERY)\b", "<METHOD>", line)
    line = re.sub(r"'[^']*'|\"[^\"]*\"", "<value>", line)
    line = re.sub(r"(?<!\d)(\d{1,2}|\d{4,})(?!\d)", "<n>", line)
    return (operation, check, line)


# What the gateway can do about a failure whose cause is not obvious from the message.
HINTS = {
    "ST108": "for OpenAPI before 3.2, schemathesis reads the `text/event-stream` `schema` as the "
    "schema of one event, an object of its fields; declare that object, e.g. `{type: object, "
    "properties: {id: {type: string}, event: {type: string}, data: {type: string}, retry: {type: "
    "integer}}, additionalProperties: false}` (tried against this gateway: no failure), or add "
    "`itemSchema` (3.2) beside `schema`.",
}

stats = {}
rejected_valid = {}  # operation -> schema-valid requests answered 400 (not a failure: a note)
mismatch = set()  # schemathesis' validation_mismatch warning, per operation
findings = collections.OrderedDict()
operations_tested, operations_total = set(), 0
errors = []
for name, _code in passes:
    ndjson = sorted(glob.glob(os.path.join(work, "reports", name, "ndjson-*.ndjson")))
    summary = sorted(glob.glob(os.path.join(work, "reports", name, "json-*.json")))
    count = collections.Counter()
    if summary:
        with open(summary[-1]) as fd:
            report = json.load(fd)
        operations_total = max(operations_total, report.get("operations", {}).get("total", 0))
        count["seed"] = report.get("seed")
        count["seconds"] = round(report.get("running_time") or 0)
        mismatch.update((report.get("warnings") or {}).get("validation_mismatch") or [])
    for path in ndjson:
        with open(path) as fd:
            for line in fd:
                try:
                    event = json.loads(line)
                except ValueError:  # the last line of a pass stopped at its deadline
                    continue
                kind, body = next(iter(event.items()))
                if kind == "NonFatalError":
                    value = body.get("value", {})
                    errors.append(f"{name}: {body.get('label')}: {value.get('type')}: {excerpt(value.get('message', ''), 300)}")
                if kind != "ScenarioFinished":
                    continue
                recorder = body["recorder"]
                label = recorder["label"]
                if label != "Stateful tests":
                    operations_tested.add(label)
                for case_id, interaction in (recorder.get("interactions") or {}).items():
                    count["requests"] += 1
                    response = interaction.get("response") or {}
                    status = response.get("status_code")
                    count[f"status {status // 100}xx" if status else "no answer"] += 1
                    case = (recorder.get("cases") or {}).get(case_id, {}).get("value", {})
                    mode = ((case.get("meta") or {}).get("generation") or {}).get("mode")
                    if status == 400 and mode == "positive":
                        op = f"{case.get('method')} {case.get('path')}"
                        note = rejected_valid.setdefault(op, {"count": 0, "details": collections.Counter()})
                        note["count"] += 1
                        try:
                            detail = json.loads(decode(response.get("content"))).get("detail", "")
                        except (ValueError, AttributeError):
                            detail = ""
                        note["details"][re.sub(r"\d+", "<n>", excerpt(detail, 160))] += 1
                for case_id, checks in (recorder.get("checks") or {}).items():
                    for check in checks:
                        if check["status"] == "success":
                            continue
                        failure = (check.get("failure_info") or {}).get("failure") or {}
                        operation = failure.get("operation") or label
                        key = signature(operation, check["name"], failure.get("message"))
                        entry = findings.get(key)
                        if entry is None:
                            interaction = (recorder.get("interactions") or {}).get(case_id) or {}
                            response = interaction.get("response") or {}
                            case = (recorder.get("cases") or {}).get(case_id, {}).get("value", {})
                            phase = ((case.get("meta") or {}).get("phase") or {})
                            entry = findings[key] = {
                                "operation": operation,
                                "check": check["name"],
                                "code": failure.get("code"),
                                "title": failure.get("title"),
                                "message": (failure.get("message") or "").strip(),
                                "request": request_line(interaction["request"]) if interaction.get("request") else "(not recorded)",
                                "status": response.get("status_code"),
                                "content_type": ", ".join((response.get("headers") or {}).get("content-type", [])),
                                "body": excerpt(decode(response.get("content"))),
                                "phase": f"{phase.get('name')}: {(phase.get('data') or {}).get('description') or (phase.get('data') or {}).get('scenario') or ''}".strip(": "),
                                "passes": set(),
                                "count": 0,
                            }
                        entry["passes"].add(name)
                        entry["count"] += 1
    stats[name] = count

probes = []
if os.path.exists(os.path.join(work, "probes.json")):
    with open(os.path.join(work, "probes.json")) as fd:
        probes = json.load(fd)
for probe in probes:
    if probe["violation"]:
        key = ("probe: " + probe["probe"], "problem_json_errors (probe)", probe["violation"])
        findings[key] = {
            "operation": f"{probe['request']} ({probe['probe']})",
            "check": "problem_json_errors (probes.py)",
            "code": None,
            "title": "hand-made request",
            "message": probe["violation"],
            "request": f"{probe['request']} headers {probe['headers']} body {probe['body_bytes']} bytes",
            "status": probe["status"],
            "content_type": probe["content_type"],
            "body": excerpt(probe["body"]),
            "phase": "probes",
            "passes": {"probes"},
            "count": 1,
        }

# The gateway's own view: every answer it logged, whoever asked.
answered, server_errors = 0, []
log_path = os.path.join(work, "gateway.log")
if os.path.exists(log_path):
    with open(log_path, errors="replace") as fd:
        for line in fd:
            if '"request completed"' not in line:
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            answered += 1
            status = (entry.get("res") or {}).get("statusCode", 0)
            if status >= 500:
                server_errors.append(entry.get("reqId"))
seed_requests = 0
if os.path.exists(os.path.join(work, "seed.json")):
    with open(os.path.join(work, "seed.json")) as fd:
        seed_requests = json.load(fd).get("requests", 0)

fuzz_requests = sum(s["requests"] for s in stats.values())
total_failures = len(findings) + len(errors)
per_pass = "; ".join(
    f"{name} {stats[name]['requests']} requests in {stats[name]['seconds']} s (exit {code}, seed {stats[name]['seed']})"
    for name, code in passes
)
statuses = collections.Counter()
for s in stats.values():
    statuses.update({k: v for k, v in s.items() if k.startswith("status") or k == "no answer"})
print(f"[fuzz] passes: {per_pass}")
print(f"[fuzz] responses by class: {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}")
print(
    f"[fuzz] gateway answered {answered} requests in all (seeding {seed_requests}, probes {len(probes)}, "
    f"fuzzer {fuzz_requests}, schema loads), {len(server_errors)} of them 5xx"
)
print(
    f"fuzz: {fuzz_requests + len(probes)} requests sent, {len(operations_tested)}/{operations_total} operations, "
    f"{total_failures} failure{'' if total_failures == 1 else 's'} "
    f"({len(findings)} distinct check failures, {len(errors)} fuzzer errors)"
)

now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
out = [
    "# Fuzz findings (scripts/fuzz/run.sh)",
    "",
    f"Run {now}: {fuzz_requests} fuzzer requests + {len(probes)} probes, {len(operations_tested)}/{operations_total} operations; "
    f"{per_pass}. Gateway: {answered} answers, {len(server_errors)} 5xx.",
    f"{len(findings)} distinct failures, {len(errors)} fuzzer errors. Reproduce a pass with FUZZ_SEED=<seed> "
    "(the gateway's own state can still differ).",
    "",
]
for number, entry in enumerate(findings.values(), 1):
    out += [
        f"## {number}. {entry['operation']}: {entry['check']}" + (f" ({entry['code']} {entry['title']})" if entry["code"] else ""),
        "",
        f"- what: {excerpt(entry['message'].replace(chr(10) + chr(10), ' / ').replace(chr(10), ' '), 600)}",
        f"- pass: {', '.join(sorted(entry['passes']))}; phase: {entry['phase']}; seen {entry['count']} time(s)",
    ]
    if entry["code"] in HINTS:
        out.append(f"- hint: {HINTS[entry['code']]}")
    out += [
        f"- request: `{entry['request']}`",
        f"- response: {entry['status']} `{entry['content_type']}` `{entry['body']}`",
        "",
    ]
if errors:
    out += ["## Fuzzer errors", ""] + [f"- {e}" for e in errors] + [""]
if not findings and not errors:
    out += ["No failures.", ""]
if rejected_valid:
    out += [
        "## Notes (not failures): schema-valid requests answered 400",
        "",
        "The gateway refused these although they match the OpenAPI: a rule the schema does not state",
        "(a cross-field rule, an opaque bookmark, a calendar date). Worth stating in the schema where",
        "it can be (pattern, format, maxLength), so clients and the fuzzer see it."
        + (f" Schemathesis flagged {', '.join(sorted(mismatch))} as mostly rejected." if mismatch else ""),
        "",
    ]
    for op, note in sorted(rejected_valid.items()):
        details = "; ".join(f"{d or '(no detail)'} ({n})" for d, n in note["details"].most_common(3))
        out.append(f"- {op}: {note['count']} time(s): {details}")
    out.append("")
with open(findings_path, "w") as fd:
    fd.write("\n".join(out))
print(f"[fuzz] findings: {findings_path}")
sys.exit(3 if server_errors else 0)
