"""Starts a real platform on loopback for the fuzz harness.

One redis-server, the four services and the gateway, each its own process
(the built binaries under the build folder), on free loopback ports, with
their logs in a temporary folder.  The gateway can be restarted after a crash
so that a run goes on and reports every case that ends it.
"""

import base64
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import rawhttp

HS256_KEY = "fuzz-hs256-key-0123456789abcdef0123456789abcdef"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout, what):
    """Polls `condition` until it holds or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)  # polling a condition with a deadline
    raise RuntimeError("timed out waiting for " + what)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_token(claims, key=HS256_KEY, header=None, raw_claims=None):
    """An HS256 JWT over `claims` (a dict) or over `raw_claims` (bytes as given)."""
    header = header if header is not None else {"alg": "HS256", "typ": "JWT"}
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    body = raw_claims if raw_claims is not None else json.dumps(claims, separators=(",", ":")).encode()
    p = b64url(body)
    sig = hmac.new(key.encode(), (h + "." + p).encode(), hashlib.sha256).digest()
    return h + "." + p + "." + b64url(sig)


def token(role, subject="fuzz", tenant="1504", lifetime=3600):
    return sign_token({"sub": subject, "tenant": tenant, "role": role, "exp": int(time.time()) + lifetime})


class Process:
    def __init__(self, name, argv, log_path):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.proc = None

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def exit_description(self):
        if self.proc is None:
            return "not started"
        rc = self.proc.poll()
        if rc is None:
            return "running"
        if rc < 0:
            return "killed by signal %s" % signal.Signals(-rc).name
        return "exited with status %d" % rc

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log_tail(self, n=40):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return ""


class Platform:
    """redis-server + enrolment, survey, complaint, scoring + gateway."""

    def __init__(self, bin_dir, work_dir=None, gateway_flags=()):
        self.bin_dir = bin_dir
        self.dir = work_dir or tempfile.mkdtemp(prefix="pelita-fuzz-")
        self.gateway_flags = list(gateway_flags)
        self.processes = []
        self.gateway = None
        self.gateway_port = 0
        self.redis_port = 0

    def _bin(self, rel):
        path = os.path.join(self.bin_dir, rel)
        if not os.access(path, os.X_OK):
            raise RuntimeError("missing binary %s (build the tree first)" % path)
        return path

    def _start(self, name, argv):
        p = Process(name, argv, os.path.join(self.dir, name + ".log"))
        p.start()
        self.processes.append(p)
        return p

    def start(self):
        redis = shutil.which("redis-server")
        if redis is None:
            raise RuntimeError("redis-server not installed")
        self.redis_port = free_port()
        os.makedirs(os.path.join(self.dir, "redis"), exist_ok=True)
        self._start("redis", [redis, "--port", str(self.redis_port), "--bind", "127.0.0.1",
                              "--dir", os.path.join(self.dir, "redis"), "--save", "",
                              "--appendonly", "no", "--protected-mode", "yes"])
        wait_for(self._redis_ping, 20, "redis-server")
        redis_addr = "127.0.0.1:%d" % self.redis_port
        addr = {}
        for name, extra in [("enrolment", lambda: []),
                            ("survey", lambda: ["--enrolment", addr["enrolment"]]),
                            ("complaint", lambda: ["--enrolment", addr["enrolment"], "--survey", addr["survey"],
                                                   "--tenants", "1504"]),
                            ("scoring", lambda: ["--enrolment", addr["enrolment"], "--survey", addr["survey"],
                                                 "--complaint", addr["complaint"], "--tenants", "1504"])]:
            port = free_port()
            addr[name] = "127.0.0.1:%d" % port
            self._start(name, [self._bin("services/%s/pelita-%s" % (name, name)), "--listen", addr[name],
                               "--redis", redis_addr, "--drain_seconds", "1"] + extra())
        self.backends = ",".join("%s=%s" % (k, v) for k, v in addr.items())
        self.key_file = os.path.join(self.dir, "hs256.key")
        with open(self.key_file, "w") as f:
            f.write(HS256_KEY)
        self.start_gateway()

    def _redis_ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start_gateway(self):
        self.gateway_port = free_port()
        argv = [self._bin("gateway/pelita-gateway"), "--http_listen", "127.0.0.1:%d" % self.gateway_port,
                "--backends", self.backends, "--jwt_hs256_key_file", self.key_file,
                "--redis", "127.0.0.1:%d" % self.redis_port,
                # The limiter stays on (its keys are attack surface) but high
                # enough that the fuzz traffic of one tenant is not all 429.
                "--rate_limit_rps", "100000", "--rate_limit_burst", "100000",
                "--read_timeout_ms", "2000", "--max_upload_bytes", str(4 << 20),
                "--log_requests=false", "--drain_seconds", "1"] + self.gateway_flags
        if self.gateway is not None:
            self.processes.remove(self.gateway)
        self.gateway = self._start("gateway", argv)
        wait_for(lambda: self.ready(), 60, "gateway /readyz")

    def ready(self):
        if not self.gateway.alive():
            raise RuntimeError("gateway exited during start: %s\n%s" % (self.gateway.exit_description(),
                                                                         self.gateway.log_tail()))
        r = rawhttp.request(self.gateway_port, "GET", "/readyz", timeout=2)
        return r is not None and r.status == 200

    def healthy(self):
        """The gateway process runs and answers /healthz with 200."""
        if not self.gateway.alive():
            return False
        r = rawhttp.request(self.gateway_port, "GET", "/healthz", timeout=5)
        return r is not None and r.status == 200

    def services_alive(self):
        return [p.name for p in self.processes if not p.alive()]

    def stop(self):
        for p in reversed(self.processes):
            p.stop()

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)
