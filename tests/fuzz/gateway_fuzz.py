#!/usr/bin/python3
"""Black-box fuzz and replay run against a real gateway (issue 12).

Starts redis-server, the four services and the gateway from the build folder
on loopback, seeds a little data through the API, then

  1. replays the committed corpus (tests/fuzz/corpus/*.case: every case of
     issue 12 and the framing, token, nesting and stream attacks around them);
  2. until the time budget is spent, sends requests generated from the
     gateway's /openapi.json for every route (valid tokens of several roles,
     bodies from the schemas) and mutated (bytes, values, huge numbers,
     invalid UTF-8, deep nesting, framing, headers, abandoned bodies), and now
     and then random bytes.

It asserts that the gateway process stays alive and answers /healthz, that
every answer is JSON in UTF-8 and every non-2xx answer a JSON error without
internals, that the corpus cases get the answers they expect, and that
nothing rejected was stored (counts through the API; rate-limit keys).  A
crash is recorded with its case, the gateway is restarted and the run goes
on, so that one run names every case that ends the process.

    tests/fuzz/gateway_fuzz.py --bin-dir build [--seconds 600] [--seed N]
                               [--only CASE|gen:N] [--keep]

The seed is printed at the start and with every failure; `--seed S --only
gen:N` replays one generated request, `--only <case file name>` one corpus
case.  Environment: PELITA_FUZZ_SECONDS, PELITA_FUZZ_SEED.
"""

import argparse
import json
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import checks  # noqa: E402
import corpus  # noqa: E402
import generate  # noqa: E402
import harness  # noqa: E402
import rawhttp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def nip_of(i):
    # Born 1970-01-0{i+1}, appointed 2000-03, gender 1/2, sequence.
    return "1970010%d200003%d%03d" % (i + 1, 1 + i % 2, i + 1)


NIPS = [nip_of(i) for i in range(6)]
SUPERVISOR = NIPS[5]


def odd_tokens():
    """Tokens with odd claims or headers, by name; every one must be refused."""
    now = int(time.time())
    good = {"sub": "fuzz", "tenant": "1504", "role": "organiser", "exp": now + 3600}

    def with_(**kw):
        c = dict(good)
        for k, v in kw.items():
            if v is None:
                c.pop(k, None)
            else:
                c[k] = v
        return harness.sign_token(c).encode()

    s = harness.sign_token
    t = {
        "alg-none": (harness.b64url(b'{"alg":"none","typ":"JWT"}') + "." +
                     harness.b64url(json.dumps(good).encode()) + ".").encode(),
        "alg-hs512": s(good, header={"alg": "HS512", "typ": "JWT"}).encode(),
        "alg-rs256-hs-signed": s(good, header={"alg": "RS256", "typ": "JWT"}).encode(),
        "bad-signature": s(good, key="not-the-key").encode(),
        "expired": with_(exp=now - 10),
        "exp-max": with_(exp=2 ** 63 - 1),
        "exp-huge-float": with_(exp=1e30),
        "exp-string": with_(exp=str(now + 3600)),
        "exp-negative": with_(exp=-1),
        "no-exp": with_(exp=None),
        "nbf-future": with_(nbf=now + 86400),
        "nbf-string-future": with_(nbf=str(now + 86400)),
        "nbf-float-future": with_(nbf=now + 86400.5),
        "no-sub": with_(sub=None),
        "no-role": with_(role=None),
        "role-unknown": with_(role="root"),
        "role-array": with_(role=["admin"]),
        "tenant-int": with_(tenant=1504),
        "tenant-1504-other-form": with_(tenant="01504"),
        "national-tenant-star": with_(role="national_integrator", tenant="*"),
        "national-tenant-empty": with_(role="national_integrator", tenant=""),
        "national-tenant-any": with_(role="national_integrator", tenant="ANY"),
        "national-tenant-15xx": with_(role="national_integrator", tenant="15xx"),
        "national-tenant-1599": with_(role="national_integrator", tenant="1599"),
        "province-tenant-star": with_(role="province", tenant="*"),
        "province-tenant-empty": with_(role="province", tenant=""),
        "province-tenant-any": with_(role="province", tenant="ANY"),
        "province-tenant-15xx": with_(role="province", tenant="15xx"),
        "province-tenant-1599": with_(role="province", tenant="1599"),
        "tenant-non-utf8": s(None, raw_claims=b'{"sub":"fuzz","tenant":"15\xff4","role":"organiser","exp":%d}'
                             % (now + 3600)).encode(),
        "sub-non-utf8": s(None, raw_claims=b'{"sub":"\xc3\x28","tenant":"1504","role":"organiser","exp":%d}'
                          % (now + 3600)).encode(),
        "claims-array": s(None, raw_claims=b"[1,2,3]").encode(),
        "claims-deep": s(None, raw_claims=b'{"sub":' + b"[" * 5000 + b"]" * 5000 + b"}").encode(),
        "claims-not-json": s(None, raw_claims=b"\xff\xfe{").encode(),
        "garbage": b"a.b.c",
        "not-base64": b"!!!.???.***",
        "empty": b"",
        "huge-sub": with_(sub="x" * 12000),
    }
    return t


class Run:
    def __init__(self, args):
        self.args = args
        self.seed = args.seed
        self.failures = []
        self.platform = harness.Platform(args.bin_dir)
        self.tokens = {}
        self.odd = {}
        self.fingerprint = None
        self.dirty = True
        self.sent = 0
        self.statuses = {}
        # (case, status) -> [count, first body]: 5xx answers are not failures
        # in themselves (a 1 ms deadline is rightly 504), but each kind is
        # listed once at the end with its count.
        self.five_hundreds = {}
        self.last_health = 0.0
        self.fail_dir = None

    # --- set-up -----------------------------------------------------------

    def start(self):
        self.platform.start()
        self.fail_dir = os.path.join(self.platform.dir, "failures")
        os.makedirs(self.fail_dir, exist_ok=True)
        t = harness.token
        self.tokens = {
            "organiser": t("organiser"), "admin": t("admin"),
            "instructor": t("instructor", subject="widyaiswara-1"),
            "participant": t("participant", subject=NIPS[0]),
            "supervisor": t("supervisor", subject=SUPERVISOR),
            "agency_head": t("agency_head"), "province": t("province", tenant="15"),
            "national_integrator": t("national_integrator", tenant="1504"),
            "organiser-1571": t("organiser", tenant="1571"),
        }
        self.odd = odd_tokens()
        self.seed_data()

    def call(self, method, target, body=None, role="organiser", ok=True):
        data = json.dumps(body).encode() if body is not None else b""
        r = rawhttp.request(self.platform.gateway_port, method, target, data,
                            headers=[("Authorization", "Bearer " + self.tokens[role]),
                                     ("Content-Type", "application/json")])
        if ok and (r is None or r.status != 200):
            raise RuntimeError("seeding %s %s failed: %s" % (method, target, r))
        return r

    def seed_data(self):
        self.call("POST", "/v1/tenants/1504/units?unitId=dinkes", {"displayName": "Dinas Kesehatan",
                                                                    "monthlyServiceVolume": "3000"})
        self.call("POST", "/v1/tenants/1504/units?unitId=disdukcapil", {"displayName": "Disdukcapil"})
        for i, nip in enumerate(NIPS):
            e = {"nip": nip, "fullName": "Pegawai %d" % i, "unit": "tenants/1504/units/dinkes",
                 "grade": "III/a", "employmentType": "PNS"}
            if nip != SUPERVISOR:
                e["supervisorNip"] = SUPERVISOR
            r = self.call("POST", "/v1/tenants/1504/employees", e, ok=False)
            if r is None or r.status != 200:
                e.pop("supervisorNip", None)
                self.call("POST", "/v1/tenants/1504/employees", e)
        self.call("POST", "/v1/tenants/1504/programs?programId=pelatihan",
                  {"title": "Pelatihan", "competencyType": "TEKNIS", "jp": 20, "year": 2026,
                   "costPerParticipant": "2000000"})
        for cid, who in (("a1", "widyaiswara-1"), ("a2", "widyaiswara-2")):
            self.call("POST", "/v1/tenants/1504/programs/pelatihan/cohorts?cohortId=" + cid,
                      {"displayName": cid, "startDate": {"year": 2026, "month": 3, "day": 2},
                       "endDate": {"year": 2026, "month": 3, "day": 6}, "capacity": 10, "instructors": [who]})
        for nip in NIPS[:5]:
            self.call("POST", "/v1/tenants/1504/programs/pelatihan/cohorts/a1/enrolments",
                      {"employee": "tenants/1504/employees/" + nip})
        self.call("POST", "/v1/tenants/1504/instruments:installDefaults", {})
        codes = ["M1", "M2", "M3", "I1", "I2", "I3", "F1", "F2", "F3", "P1", "P2", "P3"]
        reqs = [{"responseId": "reaksi-%d" % i,
                 "response": {"instrument": "tenants/1504/instruments/reaksi-peserta",
                              "cohort": "tenants/1504/programs/pelatihan/cohorts/a1", "respondentNip": NIPS[i],
                              "answers": [{"item": c, "number": 2 + (i + j) % 3} for j, c in enumerate(codes)]}}
                for i in range(5)]
        self.call("POST", "/v1/tenants/1504/responses:batchCreate", {"requests": reqs})
        r = self.call("POST", "/v1/tenants/1504/complaints:importOpen311",
                  {"requestsJson": json.dumps([{"service_request_id": "LAPOR-1", "agency_responsible": "dinkes", "service_code": "antrean",
                                                "status": "open", "requested_datetime": "2026-01-05T10:00:00+07:00",
                                                "description": "Antrean"}])}, ok=False)
        if r is None or r.status != 200:
            print("fuzz: seeding a complaint failed: %r" % r, flush=True)
        self.fingerprint = self.counts()
        print("fuzz: seeded %s" % json.dumps(self.fingerprint), flush=True)

    COLLECTIONS = [
        ("units", "/v1/tenants/1504/units", "units"),
        ("employees", "/v1/tenants/1504/employees", "employees"),
        ("programs", "/v1/tenants/1504/programs", "programs"),
        ("cohorts", "/v1/tenants/1504/programs/pelatihan/cohorts", "cohorts"),
        ("enrolments", "/v1/tenants/1504/programs/pelatihan/cohorts/a1/enrolments", "enrolments"),
        ("instruments", "/v1/tenants/1504/instruments", "instruments"),
        ("responses", "/v1/tenants/1504/programs/pelatihan/cohorts/a1/responses"
                      "?instrument=tenants/1504/instruments/reaksi-peserta", "responses"),
        ("complaints", "/v1/tenants/1504/complaints", "complaints"),
    ]

    def counts(self):
        return {name: checks.list_count(self.platform.gateway_port, self.tokens["admin"], path, field)
                for name, path, field in self.COLLECTIONS}

    # --- failures -----------------------------------------------------------

    def fail(self, case_id, what, wire=b"", crash=False):
        only = case_id.split(" (")[0]
        if crash and only.startswith("gen:"):
            # A call that ends after its answer can take the process down
            # while the next requests are sent: replay a few before it too.
            n = int(only[4:])
            only = "gen:%d-%d" % (max(0, n - 5), n)
        replay = "%s --bin-dir %s --seed %d --only '%s'" % (sys.argv[0], self.args.bin_dir, self.seed, only)
        path = ""
        if wire:
            path = os.path.join(self.fail_dir, re.sub(r"[^A-Za-z0-9_.:-]", "_", case_id) + ".bin")
            with open(path, "wb") as f:
                f.write(wire)
        self.failures.append((case_id, what))
        print("FAIL %s (seed %d): %s\n  replay: %s%s" % (case_id, self.seed, what, replay,
                                                         ("\n  request bytes: " + path) if path else ""), flush=True)

    def check_alive(self, case_id, wire, force=False):
        """After a case: the gateway and the services still run (restarted if not)."""
        if not self.platform.gateway.alive() or (force or time.monotonic() - self.last_health > 0.5):
            self.last_health = time.monotonic()
            if not self.platform.healthy():
                desc = self.platform.gateway.exit_description()
                tail = self.platform.gateway.log_tail(15)
                self.fail(case_id, "gateway stopped answering /healthz (%s); log:\n%s" % (desc, tail), wire,
                          crash=True)
                self.platform.gateway.stop()
                self.platform.start_gateway()
                self.dirty = True
                return False
        dead = self.platform.services_alive()
        if dead:
            self.fail(case_id, "process(es) ended: %s" % ", ".join(dead), wire)
            raise SystemExit(self.summary())
        return True

    # --- one exchange -------------------------------------------------------

    def expand(self, wire):
        def sub(m):
            name = m.group(1).decode()
            if name in self.tokens:
                return self.tokens[name].encode()
            return self.odd[name]
        return re.sub(rb"\{token:([A-Za-z0-9_.-]+)\}", sub, wire)

    def send(self, wire, mode="whole", expected=None):
        """Sends one request; waits for `expected` answers (then 0.3 s for more
        that would betray a smuggled request), or for one answer and 50 ms."""
        port = self.platform.gateway_port
        self.sent += 1
        idle = 0.3 if expected else 0.05
        expected = expected or 1
        if mode == "whole":
            return rawhttp.exchange(port, [wire], expected=expected, idle_timeout=idle, total_timeout=20)
        if mode == "slow":
            pieces = [wire[i:i + max(1, len(wire) // 8)] for i in range(0, len(wire), max(1, len(wire) // 8))]
            return rawhttp.exchange(port, pieces, pause=0.2, expected=expected, idle_timeout=idle,
                                    total_timeout=20)
        if mode.startswith("abandon"):
            frac = float(mode.split(":")[1]) if ":" in mode else 1.0
            return rawhttp.exchange(port, [wire[:int(len(wire) * frac)]], close_after_send=True)
        raise ValueError(mode)

    def judge(self, case_id, wire, ex, expect="any", requests=None, closed=False, forbid=(), require=()):
        for p in ex.problems:
            self.fail(case_id, "malformed answer: %s" % p, wire)
        if ex.connect_error:
            self.fail(case_id, "cannot connect: %s" % ex.connect_error, wire)
        for r in ex.responses:
            self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
            if r.status >= 500:
                key = (case_id.split(" (")[0] if not case_id.startswith("gen:") else "generated", r.status)
                if key in self.five_hundreds:
                    self.five_hundreds[key][0] += 1
                elif len(self.five_hundreds) < 20:
                    self.five_hundreds[key] = [1, r.body[:160]]
            for p in checks.check_response(r, wire):
                self.fail(case_id, p, wire)
            for text in forbid:
                if text.lower() in r.body.lower():
                    self.fail(case_id, "HTTP %d answer contains %r: %r" % (r.status, text, r.body[:200]), wire)
        if requests is not None and len(ex.responses) > requests:
            self.fail(case_id, "%d answers to %d request(s): a request was smuggled: %s" % (
                len(ex.responses), requests, [r.status for r in ex.responses]), wire)
        first = ex.responses[0].status if ex.responses else None
        if expect == "none":
            pass
        elif expect == "any":
            if first is None and ex.timed_out:
                self.fail(case_id, "no answer within 20 s", wire)
        elif first is None:
            self.fail(case_id, "no answer (expected %s)%s" % (expect, "; connection closed" if ex.closed_by_server
                                                                 else ""), wire)
        elif not status_matches(first, expect):
            self.fail(case_id, "HTTP %d, expected %s: %r" % (first, expect, ex.responses[0].body[:200]), wire)
        for text in require:
            if ex.responses and text not in ex.responses[0].body:
                self.fail(case_id, "HTTP %d answer lacks %r: %r" % (first, text, ex.responses[0].body[:200]), wire)
        if closed and ex.responses and not ex.closed_by_server:
            self.fail(case_id, "connection left open after HTTP %d (must close)" % first, wire)

    def rejected_changed_nothing(self, case_id, wire, ex):
        """After a write the gateway rejected: the counts are as before."""
        if not ex.responses or any(200 <= r.status < 300 for r in ex.responses):
            self.dirty = True
            return
        if any(reports_kept(r.body) for r in ex.responses):
            self.dirty = True
            return
        after = self.counts()
        if after != self.fingerprint:
            changed = {k: (self.fingerprint[k], after[k]) for k in after if after[k] != self.fingerprint[k]}
            self.fail(case_id, "rejected with HTTP %d but the store changed: %s" % (ex.responses[0].status, changed),
                      wire)
            self.fingerprint = after

    def refresh(self):
        if self.dirty:
            self.fingerprint = self.counts()
            self.dirty = False

    # --- the corpus -------------------------------------------------------------

    def run_case(self, case):
        for token_name in case.tokens:
            cid = case.id if len(case.tokens) == 1 else "%s[%s]" % (case.id, token_name)
            if self.args.only and self.args.only not in (case.id, cid):
                continue
            t0 = time.monotonic()
            if "counts-unchanged" in case.checks:
                self.refresh()
            for i in range(case.repeat):
                wire = self.expand(case.wire_bytes(token_name, self.token_for, NIPS[0]))
                if case.send.startswith("hold:"):
                    self.hold(cid, wire, int(case.send.split(":")[1]))
                    continue
                ex = self.send(wire, case.send, expected=case.requests)
                if not case.send.startswith("abandon"):
                    self.judge(cid, wire, ex, case.expect, case.requests, case.closed, case.forbid,
                               case.require)
                if not self.check_alive(cid, wire, force=(i == case.repeat - 1)):
                    break
                if len(self.failures) > 200:
                    break
            for c in case.checks:
                self.after_check(cid, c)
            if self.args.verbose:
                print("fuzz: %-50s %5.1f s" % (cid, time.monotonic() - t0), flush=True)

    def token_for(self, name):
        if name in self.tokens:
            return self.tokens[name]
        return self.odd[name].decode("latin-1")

    def hold(self, cid, wire, n):
        """Slowloris: `n` connections each holding half a request; /healthz must still answer."""
        import socket
        socks = []
        try:
            for _ in range(n):
                s = socket.create_connection(("127.0.0.1", self.platform.gateway_port), timeout=5)
                s.sendall(wire[:len(wire) // 2])
                socks.append(s)
            r = rawhttp.request(self.platform.gateway_port, "GET", "/healthz", timeout=5)
            if r is None or r.status != 200:
                self.fail(cid, "/healthz not answered while %d connections hold half a request" % n, wire)
        finally:
            for s in socks:
                s.close()

    def after_check(self, cid, check):
        kind, _, arg = check.partition(" ")
        if kind == "unit-exists":
            r = rawhttp.request(self.platform.gateway_port, "GET", "/v1/tenants/1504/units/" + arg,
                                headers=[("Authorization", "Bearer " + self.tokens["admin"])])
            if r is None or r.status != 200:
                self.fail(cid, "unit %s is gone after the case (HTTP %s): a smuggled request ran" % (
                    arg, r.status if r else "none"))
                self.call("POST", "/v1/tenants/1504/units?unitId=" + arg, {"displayName": arg}, ok=False)
                self.dirty = True
        elif kind == "counts-unchanged":
            after = self.counts()
            if after != self.fingerprint:
                changed = {k: (self.fingerprint[k], after[k]) for k in after if after[k] != self.fingerprint[k]}
                self.fail(cid, "the case was to be rejected, but the store changed: %s" % changed)
                self.fingerprint = after
        elif kind == "ratelimit-keys":
            bad = checks.invalid_ratelimit_keys(self.platform.redis_port)
            if bad:
                self.fail(cid, "rate-limit keys for tenants that do not exist: %r" % bad[:5])
                # Removed, so that the next case is judged on its own keys.
                checks.redis_command(self.platform.redis_port, "DEL", *bad)
        else:
            raise ValueError("unknown check %r in %s" % (check, cid))

    # --- generated -----------------------------------------------------------

    def run_generated(self, deadline):
        doc = json.loads(rawhttp.request(self.platform.gateway_port, "GET", "/openapi.json").body)
        gen = generate.Generator(doc, {"nips": NIPS}, self.odd)
        print("fuzz: %d operations in /openapi.json" % len(gen.ops), flush=True)
        i = 0
        last = None
        if self.args.only:
            if not self.args.only.startswith("gen:"):
                return
            first, _, end = self.args.only[4:].partition("-")
            i, last = int(first), int(end or first)
        while True:
            if last is None and time.monotonic() >= deadline:
                break
            if last is not None and i > last:
                break
            rng = random.Random("%d:%d" % (self.seed, i))
            cid = "gen:%d" % i
            if rng.random() < 0.03:
                wire, desc, complete, write = generate.random_bytes(rng), "random bytes", False, True
            else:
                desc, wire, complete = gen.request(rng)
                wire = self.expand(wire)
                write = not wire.startswith(b"GET ")
            if write and complete:
                self.refresh()
            mode = "whole" if complete or rng.random() < 0.5 else "abandon"
            ex = self.send(wire, mode)
            if mode == "whole":
                self.judge(cid + " (" + desc + ")", wire, ex, "any" if complete else "none")
            alive = self.check_alive(cid + " (" + desc + ")", wire)
            if alive and write:
                if complete and mode == "whole":
                    self.rejected_changed_nothing(cid + " (" + desc + ")", wire, ex)
                else:
                    self.dirty = True
            i += 1
            if len(self.failures) > 200:
                break
        self.generated = i

    def summary(self):
        print("fuzz: seed %d; %d requests sent; statuses %s" % (
            self.seed, self.sent, json.dumps(dict(sorted(self.statuses.items())))), flush=True)
        for (cid, status), (count, body) in self.five_hundreds.items():
            print("  %d x%d from %s, first: %r" % (status, count, cid, body))
        if self.failures:
            ids = []
            for cid, _ in self.failures:
                if cid not in ids:
                    ids.append(cid)
            print("fuzz: %d failure(s) in %d case(s) (seed %d):" % (len(self.failures), len(ids), self.seed))
            for cid in ids:
                print("  " + cid)
            return 1
        print("fuzz: no failures (seed %d)" % self.seed)
        return 0


def status_matches(status, expect):
    """`expect` is one or more of 400, 4xx, 2xx, error, separated by '|'."""
    for e in expect.split("|"):
        if e == "2xx" and 200 <= status < 300:
            return True
        if e == "4xx" and 400 <= status < 500:
            return True
        if e == "error" and status >= 400:
            return True
        if e == str(status):
            return True
    return False


def reports_kept(body):
    """Whether an error answer says that some rows or items were kept."""
    try:
        doc = json.loads(body)
    except ValueError:
        return False
    found = []

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if re.search(r"accepted|kept|stored|unchanged", k, re.I) and str(x).isdigit() and int(str(x)) > 0:
                    found.append(k)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(doc)
    return bool(found)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", default=os.environ.get("PELITA_BIN_DIR", "build"))
    ap.add_argument("--seconds", type=float, default=float(os.environ.get("PELITA_FUZZ_SECONDS", "60")),
                    help="time for the corpus and the generated requests together")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("PELITA_FUZZ_SEED", "0")) or
                    random.SystemRandom().randrange(1, 2 ** 31))
    ap.add_argument("--only", help="one corpus case (file name without .case), gen:N or gen:A-B")
    ap.add_argument("--corpus", default=os.path.join(HERE, "corpus"))
    ap.add_argument("--keep", action="store_true", help="keep the logs and data folder")
    ap.add_argument("--verbose", action="store_true", help="print the time of every corpus case")
    args = ap.parse_args()
    print("fuzz: seed %d, %g s (replay with --seed %d)" % (args.seed, args.seconds, args.seed), flush=True)
    run = Run(args)
    rc = 1
    try:
        run.start()
        print("fuzz: platform up in %s" % run.platform.dir, flush=True)
        start = time.monotonic()
        cases = corpus.load(args.corpus)
        for case in cases:
            run.run_case(case)
        print("fuzz: corpus of %d cases replayed in %.1f s" % (len(cases), time.monotonic() - start), flush=True)
        # Generation runs until --seconds after the start, but at least a
        # third of --seconds: on a loaded machine the corpus alone can take
        # the whole budget, and a run must still generate.
        run.run_generated(max(start + args.seconds, time.monotonic() + args.seconds / 3))
        print("fuzz: %d generated requests" % getattr(run, "generated", 0), flush=True)
        run.refresh()
        bad = checks.invalid_ratelimit_keys(run.platform.redis_port)
        if bad:
            run.fail("end", "rate-limit keys for tenants that do not exist: %r" % bad[:5])
        run.check_alive("end", b"", force=True)
        rc = run.summary()
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    finally:
        run.platform.stop()
        if rc == 0 and not args.keep:
            run.platform.remove()
        else:
            print("fuzz: logs and failing requests kept in %s" % run.platform.dir)
    return rc


if __name__ == "__main__":
    sys.exit(main())
