"""Requests made from the gateway's own /openapi.json, then mutated.

Every generated request comes from a random.Random of its own, seeded with
"<run seed>:<index>", so that one failing request is replayed alone by its
index (gateway_fuzz.py --seed S --only gen:N).
"""

import json
import random

# Values a string field gets before mutation: real names of the seeded data,
# and the shapes the platform's fields take.
SEED_STRINGS = [
    "tenants/1504", "tenants/1504/units/dinkes", "tenants/1504/programs/pelatihan",
    "tenants/1504/programs/pelatihan/cohorts/a1", "tenants/1504/instruments/reaksi-peserta",
    "tenants/1571/units/dinkes", "dinkes", "pelatihan", "a1", "Dinas Kesehatan", "2026-03-02T00:00:00Z",
    "1.5s", "displayName", "M1", "sering", "", "PNS", "TEKNIS", "2026", "15", "1504",
]

HOSTILE_STRINGS = [
    b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\x00", b"\\u0000", b"\\ud800",
    b"\\udfff\\ud800", b"%ff", b"../../etc", b"tenants/*", b"tenants/1571", b"tenants/", b"A" * 70000,
    "\u202e\u0000\U0010ffff".encode(), b"\\\"", b"\\x41", b"{}", b"null",
]

HUGE_NUMBERS = [b"1e400", b"-1e400", b"1e-400", b"99999999999999999999999999999", b"-9223372036854775809",
                b"18446744073709551616", b"-0", b"0.0000000000000000000000001", b"1E+308", b"NaN",
                b"Infinity", b"-Infinity", b"0x10", b"01", b"1.", b".5", b"+1", b"\"1e400\"",
                b"\"99999999999999999999\"", b"2147483648", b"-2147483649", b"4294967296"]

CONTENT_TYPES = ["application/json", "application/x-ndjson", "text/csv", "text/plain", "application/json; charset=latin1",
                 "", "multipart/form-data; boundary=x", "application/x-ndjson; charset=utf-8", "TEXT/CSV", "\xff"]

ROLES = ["organiser", "admin", "instructor", "participant", "supervisor", "agency_head", "province",
         "national_integrator", "organiser-1571"]


class Generator:
    def __init__(self, openapi, ids, odd_tokens):
        self.doc = openapi
        self.schemas = openapi.get("components", {}).get("schemas", {})
        self.ops = []
        for path, methods in sorted(openapi.get("paths", {}).items()):
            for method, op in sorted(methods.items()):
                self.ops.append((method.upper(), path, op))
        self.ids = ids
        self.odd_tokens = odd_tokens

    # --- values from the schema -------------------------------------------

    def value(self, rng, schema, depth=0):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.schemas.get(name, {})
        if "oneOf" in schema:
            return self.value(rng, rng.choice(schema["oneOf"]), depth)
        t = schema.get("type")
        if t == "object":
            props = schema.get("properties", {})
            out = {}
            if depth > 4:
                return out
            for k, s in props.items():
                if rng.random() < 0.7:
                    out[k] = self.value(rng, s, depth + 1)
            extra = schema.get("additionalProperties")
            if extra is not None and rng.random() < 0.5:
                out[rng.choice(["M1", "k", "x"])] = self.value(rng, extra, depth + 1)
            return out
        if t == "array":
            if depth > 4:
                return []
            return [self.value(rng, schema.get("items", {}), depth + 1) for _ in range(rng.randint(0, 3))]
        if t == "string":
            if "enum" in schema:
                return rng.choice(schema["enum"])
            fmt = schema.get("format")
            if fmt == "int64":
                return str(rng.choice([0, 1, 5, 3000, -1, 2 ** 62]))
            if fmt == "date-time":
                return rng.choice(["2026-03-02T00:00:00Z", "2026-13-40T99:00:00Z", "1970-01-01T00:00:00Z"])
            if fmt == "byte":
                return rng.choice(["", "bm9tb3JfdGlrZXQsa29kZV9pbnN0YW5zaSxzdGF0dXMK", "!!!"])
            return rng.choice(SEED_STRINGS + self.ids["nips"])
        if t == "integer":
            return rng.choice([0, 1, 2, 3, 4, 5, 20, 2026, -1, 1000])
        if t == "number":
            return rng.choice([0, 0.5, 1, 3.5, -2.25, 100])
        if t == "boolean":
            return rng.choice([True, False])
        return rng.choice([None, 1, "x", {}, []])

    def path_value(self, rng, name):
        pools = {
            "tenant": ["1504"] * 12 + ["1571", "15", "9999", "*", "", "1504x"],
            "unit": ["dinkes", "disdukcapil", "nonexistent"],
            "employee": self.ids["nips"] + ["196608011988031001", "123"],
            "enrolment": self.ids["nips"],
            "program": ["pelatihan", "missing"],
            "cohort": ["a1", "a2"],
            "instrument": ["reaksi-peserta", "observasi-kinerja", "missing"],
            "province": ["15", "16", "1504"],
            "complaint": ["LAPOR-1", "missing"],
            "response": ["reaksi-0", "missing"],
        }
        return rng.choice(pools.get(name, ["x", "abc-1", "missing"]))

    # --- one request ---------------------------------------------------------

    def request(self, rng):
        """(description, wire bytes, whether the request is complete)."""
        method, path, op = rng.choice(self.ops)
        desc = ["%s %s" % (method, path)]
        target = path
        for p in op.get("parameters", []):
            if p.get("in") == "path":
                target = target.replace("{%s}" % p["name"], self.path_value(rng, p["name"]), 1)
        target = target.encode()
        query = []
        for p in op.get("parameters", []):
            if p.get("in") == "query" and rng.random() < 0.3:
                v = self.value(rng, p.get("schema", {}))
                query.append((p["name"].encode(), (v if isinstance(v, str) else json.dumps(v)).encode()))
        content_type = "application/json"
        body = b""
        rb = op.get("requestBody", {}).get("content", {})
        if rb:
            kinds = sorted(rb.keys())
            content_type = rng.choice(kinds)
            if content_type == "application/json":
                body = json.dumps(self.value(rng, rb[content_type]["schema"])).encode()
            elif content_type == "application/x-ndjson":
                items = rb["application/json"]["schema"]["oneOf"][0]["items"]
                body = b"".join(json.dumps(self.value(rng, items)).encode() + b"\n" for _ in range(rng.randint(0, 4)))
            else:
                body = self.csv(rng)
        headers = [(b"Host", b"fuzz")]
        role = rng.choice(ROLES)
        if rng.random() < 0.1:
            role = rng.choice(sorted(self.odd_tokens))
        headers.append((b"Authorization", b"Bearer " + self.odd_tokens.get(role, b"") if role in self.odd_tokens
                        else b"Bearer {token:%s}" % role.encode()))
        desc.append("as " + role)
        framing = "length"
        complete = True
        mutations = rng.choice([0, 1, 1, 2, 3])
        for _ in range(mutations):
            m = rng.choice(["body-value", "body-bytes", "body-truncate", "deep", "path", "query", "content-type",
                            "timeout", "chunked", "framing", "header", "method", "number", "utf8", "abandon"])
            desc.append(m)
            if m == "body-value" and body:
                body = self.mutate_json_value(rng, body)
            elif m == "body-bytes":
                body = mutate_bytes(rng, body)
            elif m == "body-truncate" and body:
                body = body[:rng.randint(0, len(body))]
            elif m == "deep":
                n = rng.choice([1000, 10000, 100000])
                opener, closer = rng.choice([(b"[", b"]"), (b'{"a":', b"}")])
                body = opener * n + (closer * n if rng.random() < 0.5 else b"")
            elif m == "number" and body:
                body = self.mutate_json_value(rng, body, rng.choice(HUGE_NUMBERS))
            elif m == "utf8":
                where = rng.choice(["path", "query", "body"])
                bad = rng.choice(HOSTILE_STRINGS[:8])
                if where == "path":
                    target = target + b"/" + bad
                elif where == "query":
                    query.append((bad, bad))
                elif body:
                    body = self.mutate_json_value(rng, body, b'"' + bad + b'"')
            elif m == "path":
                target = mutate_path(rng, target)
            elif m == "query":
                query.append((rng.choice([b"pageSize", b"pageToken", b"year", b"readMask", b"unitId", b"x", b"a.b.c",
                                          b"%ff", b"filter"]),
                              rng.choice(HUGE_NUMBERS + HOSTILE_STRINGS[:10] + [b"1", b"", b"%zz"])))
            elif m == "content-type":
                content_type = rng.choice(CONTENT_TYPES)
            elif m == "timeout":
                headers.append((rng.choice([b"X-Request-Timeout", b"grpc-timeout"]),
                                rng.choice([b"1ms", b"0", b"-1ms", b"99999999999999999999s", b"1e3s", b"2s", b"1n",
                                            b"250m", b"", b"\xff", b"1H"])))
            elif m == "chunked":
                framing = "chunked"
            elif m == "framing":
                framing = rng.choice(["te-identity", "te-chunked-identity", "te-xchunked", "cl-and-te", "cl-short",
                                      "cl-long", "cl-huge", "cl-negative", "cl-twice", "chunk-overflow",
                                      "chunk-bad-ext", "te-chunked-chunked"])
                complete = framing not in ("cl-long",)
            elif m == "header":
                headers.append(rng.choice([(b"Expect", b"100-continue"), (b"X-Request-Id", b"\xff\xfe"),
                                           (b"X-Request-Id", b"a" * 300), (b"Connection", b"keep-alive, Upgrade"),
                                           (b"Upgrade", b"h2c"), (b"Content-Encoding", b"gzip"),
                                           (b"X-Big", b"B" * 9000), (b"Host", b"other"), (b"Bad Header", b"x"),
                                           (b"\xff", b"\xff"), (b"Authorization", b"Bearer x")]))
            elif m == "method":
                method = rng.choice(["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD", "TRACE", "CONNECT",
                                     "G\xffT", "get", "PRI"])
            elif m == "abandon":
                complete = False
        wire_target = target
        if query:
            wire_target += b"?" + b"&".join(k + b"=" + v for k, v in query)
        head = [b"%s %s HTTP/1.1" % (method.encode("latin-1"), wire_target)] + [k + b": " + v for k, v in headers]
        if content_type:
            head.append(b"Content-Type: " + content_type.encode("latin-1"))
        head.append(b"Connection: close")
        payload, extra_head = frame(rng, framing, body)
        head += extra_head
        wire = b"\r\n".join(head) + b"\r\n\r\n" + payload
        if not complete:
            wire = wire[:rng.randint(len(wire) // 2, len(wire))]
        return " ".join(desc), wire, complete

    def csv(self, rng):
        headers = rng.choice([b"nip,name,unit,employment_type", b"nomor_tiket,kode_instansi,status,waktu_diterima",
                              b"respondent_nip,M1,M2", b"foo,bar", b"", b"\xef\xbb\xbfnip,name", b"\"unterminated"])
        rows = []
        for _ in range(rng.randint(0, 20)):
            fields = []
            for _ in range(rng.randint(1, 6)):
                fields.append(rng.choice([b"1", b"", b"\"a,b\"", b"\"x\"\"y\"", b"\"open", b"\xff", b"dinkes",
                                          b"PNS", self.ids["nips"][0].encode(), b"A" * 1000, b"\x00",
                                          b"2026-01-05 10:00:00", b"selesai"]))
            rows.append(b",".join(fields))
        return headers + b"\n" + rng.choice([b"\n", b"\r\n"]).join(rows) + b"\n"

    def mutate_json_value(self, rng, body, replacement=None):
        """Replaces one scalar of the JSON body (by byte span) with `replacement` or a hostile value."""
        spans = scalar_spans(body)
        if replacement is None:
            replacement = rng.choice(HUGE_NUMBERS + [b'"' + s + b'"' for s in HOSTILE_STRINGS] +
                                     [b"[]", b"{}", b"null", b"true", b"'single'", b"[1,]", b"{a:1}", b'"x",'])
        if not spans:
            return body + replacement
        a, b = rng.choice(spans)
        return body[:a] + replacement + body[b:]


def scalar_spans(body):
    """Byte spans of the scalars (strings, numbers, literals) of a JSON text."""
    spans, i, n = [], 0, len(body)
    while i < n:
        c = body[i:i + 1]
        if c == b'"':
            j = i + 1
            while j < n and body[j:j + 1] != b'"':
                j += 2 if body[j:j + 1] == b"\\" else 1
            spans.append((i, min(j + 1, n)))
            i = j + 1
        elif c in b"-0123456789tfn" and c != b"":
            j = i
            while j < n and body[j:j + 1] not in b",]} \n":
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def mutate_bytes(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(4)
        if op == 0 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 1:
            data[rng.randint(0, len(data)):rng.randint(0, len(data))] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 2 and data:
            a = rng.randrange(len(data))
            del data[a:a + rng.randint(1, 16)]
        else:
            data += rng.choice([b"\r\n", b"\x00", b"\"", b"\\", b"[", b"{", b"\xff", b"\r\n\r\nGET / HTTP/1.1\r\n\r\n"])
    return bytes(data)


def mutate_path(rng, target):
    choice = rng.randrange(9)
    if choice == 0:
        return target + b"/../../../"
    if choice == 1:
        return target.replace(b"/", b"//", 1)
    if choice == 2:
        return target + b":" + rng.choice([b"withdraw", b"", b"x" * 300, b"\xff"])
    if choice == 3:
        return target + b"/" + b"a" * rng.choice([300, 5000, 20000])
    if choice == 4:
        return target.replace(b"1504", rng.choice([b"%31%35%30%34", b"1571", b"%00", b"15%2F04", b"*"]))
    if choice == 5:
        return target + b"%"
    if choice == 6:
        return b"http://evil.example" + target
    if choice == 7:
        return b"*"
    return target + b"#frag"


def frame(rng, framing, body):
    """The body on the wire and the head lines that frame it."""
    if framing == "length":
        return body, [b"Content-Length: %d" % len(body)]
    if framing == "chunked":
        return chunk(rng, body), [b"Transfer-Encoding: chunked"]
    smuggled = b"DELETE /v1/tenants/1504/units/dinkes HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Bearer {token:organiser}\r\nContent-Length: 0\r\n\r\n"
    if framing == "te-identity":
        return body + smuggled, [b"Transfer-Encoding: identity"]
    if framing == "te-chunked-identity":
        return chunk(rng, body) + smuggled, [b"Transfer-Encoding: chunked, identity"]
    if framing == "te-xchunked":
        return body + smuggled, [b"Transfer-Encoding: xchunked"]
    if framing == "te-chunked-chunked":
        return chunk(rng, chunk(rng, body)), [b"Transfer-Encoding: chunked, chunked"]
    if framing == "cl-and-te":
        return chunk(rng, body) + smuggled, [b"Content-Length: %d" % len(body), b"Transfer-Encoding: chunked"]
    if framing == "cl-short":
        return body + smuggled, [b"Content-Length: %d" % max(0, len(body) - rng.randint(1, 8))]
    if framing == "cl-long":
        return body, [b"Content-Length: %d" % (len(body) + rng.randint(1, 100))]
    if framing == "cl-huge":
        return body, [b"Content-Length: " + rng.choice([b"99999999999999999999999", b"18446744073709551615",
                                                         b"9223372036854775807", b"4294967296"])]
    if framing == "cl-negative":
        return body, [b"Content-Length: " + rng.choice([b"-1", b"+5", b"0x10", b"1 2", b""])]
    if framing == "cl-twice":
        return body, [b"Content-Length: %d" % len(body), b"Content-Length: %d" % (len(body) + 1)]
    if framing == "chunk-overflow":
        return b"ffffffffffffffffffff\r\n" + body + b"\r\n0\r\n\r\n", [b"Transfer-Encoding: chunked"]
    if framing == "chunk-bad-ext":
        return b"%x;%s\r\n%s\r\n0\r\n\r\n" % (len(body), b"e" * 5000, body), [b"Transfer-Encoding: chunked"]
    raise ValueError(framing)


def chunk(rng, body):
    out, i = b"", 0
    while i < len(body):
        n = rng.randint(1, 4096)
        out += b"%x\r\n%s\r\n" % (len(body[i:i + n]), body[i:i + n])
        i += n
    return out + b"0\r\n\r\n"


def random_bytes(rng):
    """A request of random bytes, or a request line followed by random bytes."""
    n = rng.choice([1, 16, 256, 4096, 70000])
    noise = bytes(rng.randrange(256) for _ in range(n))
    if rng.random() < 0.5:
        return b"POST /v1/tenants/1504/units HTTP/1.1\r\n" + noise
    return noise
