#!/usr/bin/env bash
# (Re)builds the committed seed corpus fuzz/corpus/<target>/ from the repository's
# fixtures: configuration items and Lambda events as they are, policy texts pulled out
# of items and templates, rule parameters, snapshot documents, and requests for the
# local Config endpoint (item_structured: a few byte strings; what campaigns found and
# was minimised into fuzz/corpus/item_structured/ is kept). Deterministic (same
# fixtures, same files); each file at most 64 KiB, named by the SHA-1 of its content,
# as libFuzzer names what it finds.
#
#   bash tests/fuzz/seed.sh          # rewrite fuzz/corpus/ (commit the result)
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 - "$@" <<'PY'
import glob, hashlib, json, os, random, shutil, urllib.parse

MAX = 64 * 1024
OUT = "fuzz/corpus"
TARGETS = ["lambda_payload", "configuration_item", "item_structured", "policy_document",
           "rule_parameters", "snapshot_reader", "local_endpoint_request"]
ACTIONS = ["PutEvaluations", "GetResourceConfigHistory", "ListDiscoveredResources",
           "BatchGetResourceConfig", "GetComplianceDetailsByConfigRule"]

# item_structured's corpus is not made from fixtures (its inputs are `Arbitrary`
# choices): it keeps what campaigns found and was minimised into it (fuzz/README.md).
for t in TARGETS:
    if t != "item_structured":
        shutil.rmtree(os.path.join(OUT, t), ignore_errors=True)
    os.makedirs(os.path.join(OUT, t), exist_ok=True)

counts = {t: 0 for t in TARGETS}

def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    if not data or len(data) > MAX:
        return
    path = os.path.join(OUT, target, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
        counts[target] += 1

def read(path):
    with open(path, "rb") as f:
        return f.read()

def load(path):
    try:
        return json.loads(read(path))
    except ValueError:
        return None

rule_dirs = sorted(d for d in glob.glob("tests/fixtures/*/")
                   if glob.glob(d + "*-event.json") or glob.glob(d + "*-api.json"))
item_files = sorted(f for d in rule_dirs for f in glob.glob(d + "*.json")
                    if not f.endswith(".params.json"))
example_ci = sorted(glob.glob("tests/fixtures/example-ci/*.json"))
events = sorted(glob.glob("tests/fixtures/events/*.json"))
params_files = sorted(glob.glob("tests/fixtures/**/*.params.json", recursive=True))

# configuration_item: every item file as it is (the malformed example-ci files
# included), and the Lambda events (they wrap an item). snapshot_reader: the example-ci
# items and the events as they are; the rule fixtures come in the documents below.
for f in item_files + example_ci + events:
    put("configuration_item", read(f))
for f in example_ci + events:
    put("snapshot_reader", read(f))

# snapshot_reader: snapshot documents and lists built from the rule fixtures.
items = [v for v in (load(f) for f in item_files) if isinstance(v, dict)]
for n, i in enumerate(range(0, len(items), 6)):
    chunk = items[i:i + 6]
    if n % 2 == 0:
        put("snapshot_reader", json.dumps({"fileVersion": "1.0",
            "configSnapshotId": "00000000-0000-4000-8000-%012d" % i, "configurationItems": chunk}))
    else:
        put("snapshot_reader", json.dumps(chunk))
    if n % 8 == 0:
        put("configuration_item", json.dumps({"configurationItems": chunk[:2]}))

# lambda_payload: the four event kinds, and every rule fixture in the event shape
# wrapped in a change notification with its parameters (as Config sends it: both
# invokingEvent and ruleParameters as JSON text).
for f in events:
    put("lambda_payload", read(f))
for f in item_files:
    if not f.endswith("-event.json"):
        continue
    item = load(f)
    if not isinstance(item, dict):
        continue
    stem = f[: -len("-event.json")]
    params = load(stem + ".params.json") if os.path.exists(stem + ".params.json") else {}
    rule = os.path.basename(os.path.dirname(f))
    put("lambda_payload", json.dumps({
        "invokingEvent": json.dumps({"configurationItem": item, "configurationItemDiff": None,
            "notificationCreationTime": "2024-05-01T10:00:05.000Z",
            "messageType": "ConfigurationItemChangeNotification", "recordVersion": "1.3"}),
        "ruleParameters": json.dumps(params), "resultToken": "fuzz-token",
        "eventLeftScope": False,
        "executionRoleArn": "arn:aws:iam::123456789012:role/config-role",
        "configRuleArn": "arn:aws:config:us-east-1:123456789012:config-rule/config-rule-0",
        "configRuleName": rule, "configRuleId": "config-rule-0",
        "accountId": "123456789012", "version": "1.0"}))

# rule_parameters: every fixture's parameters, the sample account's, and value texts.
for f in params_files:
    put("rule_parameters", read(f))
for rule, params in sorted(json.loads(read("rdk/data/sample-parameters.json")).items()):
    put("rule_parameters", json.dumps(params))
for text in ["443,1020-1025", "22", "0-65535", "80, 443,", "true", "True", "false",
             "t3.micro, m5.large", "-1", "9223372036854775807", "ENABLED",
             '{"ExecutionRoleName": "r", "AssumeRoleMode": "true"}']:
    put("rule_parameters", text)

# policy_document: every policy found in the fixtures (items, templates, plans), as the
# text it was written in (URL-encoded IAM documents stay encoded).
def walk(v, found):
    if isinstance(v, dict):
        if "Statement" in v:
            found.append(json.dumps(v))
        for x in v.values():
            walk(x, found)
    elif isinstance(v, list):
        for x in v:
            walk(x, found)
    elif isinstance(v, str) and ("Statement" in v or "%22Statement%22" in v):
        found.append(v)
        text = urllib.parse.unquote(v) if v.lstrip().startswith("%") else v
        try:
            walk(json.loads(text), found)
        except ValueError:
            pass

policy_sources = sorted(set(item_files + example_ci + events
    + glob.glob("tests/fixtures/cfn-templates/**/*.json", recursive=True)
    + glob.glob("tests/fixtures/check/**/*.json", recursive=True)
    + glob.glob("tests/fixtures/iac-plans/**/*.json", recursive=True)))
policies = []
for f in policy_sources:
    v = load(f)
    if v is not None:
        walk(v, policies)
for p in sorted(set(policies)):
    put("policy_document", p)

# local_endpoint_request: first byte picks the action (see the target), the rest is the
# JSON 1.1 body; resources from the bundled sample account (built from the fixtures).
sample = json.loads(read("rdk/data/sample-account.json"))["configurationItems"]
keys = [{"resourceType": i["resourceType"], "resourceId": i["resourceId"]} for i in sample]
types = sorted({k["resourceType"] for k in keys})
def req(action, body):
    put("local_endpoint_request", bytes([ACTIONS.index(action)]) + json.dumps(body).encode())
evaluations = [{"ComplianceResourceType": k["resourceType"], "ComplianceResourceId": k["resourceId"],
                "ComplianceType": c, "Annotation": "from the seed corpus",
                "OrderingTimestamp": t}
               for k, c, t in zip(keys[:6], ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"] * 2,
                                  [1714557600.0, "2024-05-01T10:00:00.000Z"] * 3)]
req("PutEvaluations", {"ResultToken": "fuzz-rule/1", "Evaluations": evaluations})
req("PutEvaluations", {"ResultToken": "other-rule/2", "Evaluations": evaluations[:1], "TestMode": True})
req("PutEvaluations", {"ResultToken": "fuzz-rule/3", "Evaluations": [dict(evaluations[0], ComplianceType="INSUFFICIENT_DATA")]})
for k in keys[:8]:
    req("GetResourceConfigHistory", dict(k, limit=2, chronologicalOrder="Forward",
        laterTime=1800000000, earlierTime="2020-01-01T00:00:00Z"))
req("GetResourceConfigHistory", dict(keys[0], nextToken="1", limit=1))
for t in types[:8]:
    req("ListDiscoveredResources", {"resourceType": t, "limit": 3, "includeDeletedResources": True})
req("ListDiscoveredResources", {"resourceType": types[0], "resourceIds": [k["resourceId"] for k in keys[:3]],
                                "nextToken": "1", "limit": 1})
req("BatchGetResourceConfig", {"resourceKeys": keys[:10]})
req("BatchGetResourceConfig", {"resourceKeys": []})
req("GetComplianceDetailsByConfigRule", {"ConfigRuleName": "fuzz-rule", "Limit": 5,
    "ComplianceTypes": ["NON_COMPLIANT"], "NextToken": "2"})
req("GetComplianceDetailsByConfigRule", {"ConfigRuleName": "fuzz-rule"})
# Edges: page tokens just below where `start + limit` would pass usize::MAX.
edge = str(2**64 - 1 - 100)
req("ListDiscoveredResources", {"resourceType": types[0], "nextToken": edge})
req("GetResourceConfigHistory", dict(keys[0], nextToken=edge, limit=100))
req("GetComplianceDetailsByConfigRule", {"ConfigRuleName": "fuzz-rule", "NextToken": edge, "Limit": 100})
put("local_endpoint_request", b"\x05{}")
put("local_endpoint_request", b"\x06{}")

# item_structured reads bytes as `Arbitrary` choices, not JSON: a few deterministic
# byte strings start it.
rng = random.Random(20240501)
for n in (16, 64, 256, 1024, 4096):
    put("item_structured", bytes(rng.randrange(256) for _ in range(n)))

total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(OUT) for f in fs)
for t in TARGETS:
    print(f"{t:24} {counts[t]:4} files written, {len(os.listdir(os.path.join(OUT, t))):4} in all")
print(f"total {total / 1024:.0f} KiB in {OUT}/")
if total > 3 * 1024 * 1024:
    raise SystemExit("the seed corpus is over 3 MiB: cap it")
PY
