"""The committed corpus: one raw request per `.case` file in tests/fuzz/corpus/.

A case file is a few `key: value` lines, a line `---`, and the request as it
goes on the wire:

    # comment
    name: non-UTF-8 byte in the path
    issue: 12.1
    token: participant           role or odd token for {token} (see TOKENS)
    tokens: a b c                run the case once per token instead
    expect: 400 | 4xx | error | 2xx | any | none
    repeat: 200                  send it this many times (each on its own connection)
    requests: 1                  at most this many answers (more: a request was smuggled)
    closed: yes                  the server must close the connection after answering
    send: whole | slow | abandon | abandon:0.5 | hold:200
    chunked: 64                  send the body chunked, 64 bytes a chunk
    check: unit-exists dinkes    after the case (also: counts-unchanged, ratelimit-keys)
    forbid: internal error       the answer must not contain this text
    require: UPLOAD_TOO_LARGE    the first answer must contain this text
    ---
    GET /v1/\\xff HTTP/1.1
    Host: fuzz
    Authorization: Bearer {token}

The head (up to the first empty line) goes out with CRLF line ends, the body
as written (LF; `body: crlf` for CRLF).  In both, `\\xNN`, `\\r`, `\\n`, `\\t`
and `\\\\` are bytes, `{token}` / `{token:NAME}` a signed token,
`{repeat:N:TEXT}` TEXT N times, `{nip}` the seeded participant's NIP, and
`{content-length}` in the head the length of the body as sent.  One trailing
newline at the end of the file is not part of the body.
"""

import os
import re

PLACEHOLDER = re.compile(r"\{(token(?::[A-Za-z0-9_.-]+)?|repeat:\d+:[^}]*|nip|content-length)\}")


class Case:
    def __init__(self, path):
        self.path = path
        self.id = os.path.splitext(os.path.basename(path))[0]
        self.meta = {}
        self.checks = []
        self.forbid = []
        self.require = []
        with open(path, "rb") as f:
            data = f.read()
        head, sep, wire = data.partition(b"\n---\n")
        if not sep:
            raise ValueError("%s: no '---' line" % path)
        for line in head.decode().splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key == "check":
                self.checks.append(value)
            elif key == "forbid":
                self.forbid.append(value.encode())
            elif key == "require":
                self.require.append(value.encode())
            else:
                self.meta[key] = value
        if wire.endswith(b"\n"):
            wire = wire[:-1]
        self.wire = wire.decode("latin-1")
        self.name = self.meta.get("name", self.id)
        self.expect = self.meta.get("expect", "any")
        self.repeat = int(self.meta.get("repeat", "1"))
        self.requests = int(self.meta["requests"]) if "requests" in self.meta else None
        self.closed = self.meta.get("closed", "") == "yes"
        self.send = self.meta.get("send", "whole")
        self.chunked = int(self.meta.get("chunked", "0"))
        self.tokens = self.meta.get("tokens", "").split() or [self.meta.get("token", "organiser")]
        self.body_crlf = self.meta.get("body", "") == "crlf"

    def render(self, token_for, nip):
        """The bytes of the case with token `token_for(name)`."""
        head, sep, body = self.wire.partition("\n\n")

        def expand(text, default_token):
            def sub(m):
                p = m.group(1)
                if p == "token":
                    return token_for(default_token)
                if p.startswith("token:"):
                    return token_for(p[6:])
                if p.startswith("repeat:"):
                    _, n, t = p.split(":", 2)
                    return t * int(n)
                if p == "nip":
                    return nip
                return m.group(0)
            return unescape(PLACEHOLDER.sub(sub, text))

        return head, sep, body, expand

    def wire_bytes(self, token_name, token_for, nip):
        head, sep, body, expand = self.render(token_for, nip)
        b = expand(body, token_name) if sep else b""
        if self.body_crlf:
            b = b.replace(b"\n", b"\r\n")
        if self.chunked and sep:
            out = b""
            for i in range(0, len(b), self.chunked):
                piece = b[i:i + self.chunked]
                out += b"%x\r\n%s\r\n" % (len(piece), piece)
            b = out + b"0\r\n\r\n"
        h = expand(head, token_name).replace(b"{content-length}", str(len(b)).encode())
        h = h.replace(b"\n", b"\r\n")
        return h + b"\r\n\r\n" + b if sep else h + b"\r\n\r\n"


def unescape(text):
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n == "x" and i + 3 < len(text) + 1:
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"r": b"\r", "n": b"\n", "t": b"\t", "\\": b"\\", "0": b"\0"}.get(n, ("\\" + n).encode("latin-1"))
            i += 2
            continue
        out += c.encode("latin-1") if ord(c) < 256 else c.encode("utf-8")
        i += 1
    return bytes(out)


def load(directory):
    cases = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".case"):
            cases.append(Case(os.path.join(directory, name)))
    return cases
