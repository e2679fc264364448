"""A raw HTTP/1.1 client for the fuzz harness.

It sends bytes exactly as given (no normalisation, so malformed requests reach
the gateway as written), in one piece or in timed pieces, and reads back every
response the server writes on the connection until the server closes it or
stays silent.  The responses are parsed leniently: whatever the server sends
is recorded, and anything that is not a well-formed HTTP response is a finding
of its own (see Exchange.problems).
"""

import socket
import time


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (lower-case name, value) as bytes
        self.body = body

    def header(self, name):
        name = name.lower().encode() if isinstance(name, str) else name.lower()
        for k, v in self.headers:
            if k == name:
                return v
        return None

    def __repr__(self):
        return "Response(%d, %r)" % (self.status, self.body[:200])


class Exchange:
    """What happened on one connection."""

    def __init__(self):
        self.responses = []
        self.problems = []      # malformed bytes from the server
        self.closed_by_server = False
        self.connect_error = None
        self.send_error = None
        self.timed_out = False  # the server neither answered nor closed in time
        self.raw = b""


def _parse_one(buf, head_request=False):
    """Parses one response from the start of buf.

    Returns (response, consumed) when complete, (None, 0) when more bytes are
    needed, or raises ValueError for bytes that are not an HTTP response.
    """
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        if len(buf) > 65536:
            raise ValueError("response header over 64 KiB")
        if buf and not b"HTTP/1.1 ".startswith(buf[:9]) and not buf.startswith(b"HTTP/1."):
            raise ValueError("not an HTTP response: %r" % buf[:80])
        return None, 0
    head = buf[:end].split(b"\r\n")
    status_line = head[0].split(b" ", 2)
    if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/1.") or not status_line[1].isdigit():
        raise ValueError("bad status line: %r" % head[0][:120])
    status = int(status_line[1])
    reason = status_line[2] if len(status_line) > 2 else b""
    headers = []
    for line in head[1:]:
        if b":" not in line:
            raise ValueError("bad header line: %r" % line[:120])
        k, v = line.split(b":", 1)
        headers.append((k.strip().lower(), v.strip()))
    pos = end + 4
    hdict = {k: v for k, v in headers}
    if head_request or 100 <= status < 200 or status in (204, 304):
        return Response(status, reason, headers, b""), pos
    te = hdict.get(b"transfer-encoding")
    if te is not None and te.lower().endswith(b"chunked"):
        body = b""
        while True:
            nl = buf.find(b"\r\n", pos)
            if nl < 0:
                return None, 0
            size_text = buf[pos:nl].split(b";")[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise ValueError("bad chunk size %r" % size_text[:40])
            pos = nl + 2
            if size == 0:
                # Trailers end with an empty line.
                tend = buf.find(b"\r\n", pos)
                while tend >= 0 and tend != pos:
                    pos = tend + 2
                    tend = buf.find(b"\r\n", pos)
                if tend < 0:
                    return None, 0
                return Response(status, reason, headers, body), tend + 2
            if len(buf) < pos + size + 2:
                return None, 0
            body += buf[pos:pos + size]
            pos += size + 2
    cl = hdict.get(b"content-length")
    if cl is not None:
        try:
            n = int(cl)
        except ValueError:
            raise ValueError("bad Content-Length %r" % cl[:40])
        if len(buf) < pos + n:
            return None, 0
        return Response(status, reason, headers, buf[pos:pos + n]), pos + n
    # No length: the body runs to the end of the connection.
    return None, -1


def exchange(port, pieces, idle_timeout=1.0, total_timeout=20.0, expected=None,
             close_after_send=False, pause=0.0):
    """Sends `pieces` (a list of bytes) to 127.0.0.1:port and collects responses.

    `pause` seconds pass between pieces (slow clients).  Reading stops when the
    server closes, when `expected` responses arrived and `idle_timeout` passed
    without more bytes, or at `total_timeout` (Exchange.timed_out if no
    response came at all).  `close_after_send` abandons the connection right
    after the last piece (an abandoned stream).
    """
    ex = Exchange()
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError as e:
        ex.connect_error = str(e)
        return ex
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i, piece in enumerate(pieces):
            if i and pause:
                time.sleep(pause)  # a slow client, on purpose; not synchronisation
            try:
                sock.sendall(piece)
            except OSError as e:
                ex.send_error = str(e)
                break
        if close_after_send:
            # An abandoned stream: reset the connection without reading.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            return ex
        buf = b""
        start = time.monotonic()
        last = start
        while True:
            now = time.monotonic()
            if now - start > total_timeout:
                ex.timed_out = not ex.responses
                break
            if expected is not None and len(ex.responses) >= expected and now - last > idle_timeout:
                break
            if expected is None and ex.responses and now - last > idle_timeout:
                break
            sock.settimeout(0.05)
            try:
                data = sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                ex.closed_by_server = True
                break
            if not data:
                ex.closed_by_server = True
                break
            last = time.monotonic()
            buf += data
            ex.raw += data
            while buf:
                try:
                    resp, used = _parse_one(buf)
                except ValueError as e:
                    ex.problems.append(str(e))
                    buf = b""
                    break
                if used == -1 or resp is None:
                    break
                buf = buf[used:]
                if 100 <= resp.status < 200:
                    continue
                ex.responses.append(resp)
        if buf:
            try:
                resp, used = _parse_one(buf)
            except ValueError as e:
                ex.problems.append(str(e))
                resp, used = None, 0
            if used == -1 and ex.closed_by_server:
                # A response without a length: its body ran to the close.
                end = buf.find(b"\r\n\r\n")
                status_line = buf[:end].split(b"\r\n")[0].split(b" ", 2)
                ex.responses.append(Response(int(status_line[1]), b"", [], buf[end + 4:]))
            elif resp is not None:
                ex.responses.append(resp)
            elif buf.strip():
                ex.problems.append("incomplete response at close: %r" % buf[:120])
    finally:
        try:
            sock.close()
        except OSError:
            pass
    return ex


def request(port, method, target, body=b"", headers=(), timeout=20.0):
    """One well-formed request on its own connection; returns a Response or None."""
    if isinstance(body, str):
        body = body.encode()
    lines = [b"%s %s HTTP/1.1" % (method.encode(), target.encode() if isinstance(target, str) else target),
             b"Host: fuzz", b"Connection: close", b"Content-Length: %d" % len(body)]
    for k, v in headers:
        lines.append((k + ": " + v).encode() if isinstance(v, str) else k.encode() + b": " + v)
    raw = b"\r\n".join(lines) + b"\r\n\r\n" + body
    ex = exchange(port, [raw], expected=1, idle_timeout=0.0, total_timeout=timeout)
    return ex.responses[0] if ex.responses else None
