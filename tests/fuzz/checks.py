"""What the fuzz harness asserts about every answer and about the store.

- Every answer is JSON in valid UTF-8; every non-2xx answer is a JSON error
  object {code, message, ...} that shows no internals: no memory addresses,
  stack frames, exception texts of the C++ libraries, source or system file
  paths, or backend addresses.  A pattern that also occurs in the request is
  not held against the answer (an error may name what it rejected).
- Nothing rejected is stored: the counts of every collection the seed data
  fill, read through the API, are the same before and after a rejected write.
- The rate limiter creates keys only for real tenant codes.
"""

import json
import re
import socket

import rawhttp

# Text that only an internal failure puts into an answer.
INTERNALS = [
    (re.compile(rb"0x[0-9a-fA-F]{6,}"), "a memory address"),
    (re.compile(rb"\b(?:127\.0\.0\.1|localhost|0\.0\.0\.0):\d+"), "a backend address"),
    (re.compile(rb"ipv[46]:"), "a gRPC target"),
    (re.compile(rb"\.(?:cc|cpp|h|hpp|py):\d+"), "a source location"),
    (re.compile(rb"(?:/usr/|/work/|/tmp/|/home/|/build/)"), "a file path"),
    (re.compile(rb"std::|nlohmann|type_error|parse_error\.|out_of_range|bad_alloc|what\(\)|terminate called"),
     "a C++ exception text"),
    (re.compile(rb"#\d+ 0x|\bSIGSEGV\b|Segmentation fault|AddressSanitizer|stack trace|backtrace", re.I),
     "a stack trace"),
    (re.compile(rb"grpc_[a-z_]+\(|absl::|google::protobuf::"), "an internal symbol"),
    (re.compile(rb"\binternal error\b.*\b(?:at|in) [A-Za-z_:]+\(", re.I), "an internal function"),
]


def internals_in(body, request_bytes):
    """The kinds of internals shown in `body` that the request did not contain."""
    found = []
    for pattern, what in INTERNALS:
        m = pattern.search(body)
        if m and not pattern.search(request_bytes):
            found.append("%s (%r)" % (what, m.group(0)[:60]))
    return found


def check_response(resp, request_bytes):
    """Problems with one answer, as a list of sentences (empty: fine)."""
    problems = []
    try:
        text = resp.body.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["HTTP %d body is not valid UTF-8 (%s): %r" % (resp.status, e, resp.body[:200])]
    if not (200 <= resp.status < 300):
        ctype = resp.header("content-type") or b""
        if b"json" not in ctype.lower():
            problems.append("HTTP %d answered with Content-Type %r, not JSON: %r" % (resp.status, ctype, resp.body[:200]))
        try:
            doc = json.loads(text)
        except ValueError:
            return problems + ["HTTP %d body is not JSON: %r" % (resp.status, resp.body[:200])]
        if not isinstance(doc, dict) or not isinstance(doc.get("code"), int) or not isinstance(doc.get("message"), str):
            problems.append("HTTP %d body is not a JSON error {code, message}: %r" % (resp.status, resp.body[:200]))
        for what in internals_in(resp.body, request_bytes):
            problems.append("HTTP %d error shows %s: %r" % (resp.status, what, resp.body[:300]))
    elif resp.body:
        try:
            json.loads(text)
        except ValueError:
            problems.append("HTTP %d body is not JSON: %r" % (resp.status, resp.body[:200]))
    return problems


def list_count(port, token, collection, field):
    """How many items a list route returns, following page tokens."""
    total, page = 0, ""
    for _ in range(100):
        target = collection + ("&" if "?" in collection else "?") + "pageSize=500"
        if page:
            target += "&pageToken=" + page
        r = rawhttp.request(port, "GET", target, headers=[("Authorization", "Bearer " + token)])
        if r is None or r.status != 200:
            return "HTTP %s" % (r.status if r else "no answer")
        doc = json.loads(r.body or b"{}")
        total += len(doc.get(field, []))
        page = doc.get("nextPageToken", "")
        if not page:
            return total
    return total


def redis_command(port, *args):
    """One command on a fresh RESP connection; returns the decoded reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        s.sendall(out)
        f = s.makefile("rb")
        return _read_reply(f)


def _read_reply(f):
    line = f.readline().rstrip(b"\r\n")
    kind, rest = line[:1], line[1:]
    if kind in (b"+", b"-"):
        return rest
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        return data[:-2]
    if kind == b"*":
        return [_read_reply(f) for _ in range(int(rest))]
    raise ValueError("bad RESP reply %r" % line)


TENANT_CODE = re.compile(rb"^[0-9]{2}(?:[0-9]{2})?$")


def invalid_ratelimit_keys(redis_port):
    """Rate-limit keys whose tenant hash tag is not a real tenant code.

    The one exception is the single bucket of the public sign-in routes
    (gateway/admission.h kPublicBucket): one fixed key, which no client
    input can multiply."""
    bad, cursor = [], b"0"
    while True:
        cursor, keys = redis_command(redis_port, "SCAN", cursor, "MATCH", "gateway:*", "COUNT", "1000")
        for k in keys:
            if k == b"gateway:{public}:ratelimit":
                continue
            m = re.match(rb"^gateway:\{(.*)\}:", k, re.S)
            if m is None or not TENANT_CODE.match(m.group(1)):
                bad.append(k)
        if cursor == b"0":
            return bad
