"""The sandbox answers like a server: framing, sizes, methods, content types, hang-ups,
bursts of connections, and the fault kinds the reliability suite relies on."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from outreach_cli.sandbox import server

KEY = {"X-Api-Key": "sk_sandbox_demo"}


@pytest.fixture
def sb() -> Iterator[server.Running]:
    running = server.start(":memory:")
    try:
        yield running
    finally:
        running.stop()


def raw(url: str, data: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
            if b"\r\n\r\n" in out and b"Connection: close" not in out:
                break
        return out


def status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


def test_bad_framing_is_400_and_the_server_stays_up(sb: server.Running) -> None:
    reply = raw(
        sb.url, b"POST /sendkit/v1/campaigns HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}"
    )
    assert status(reply) == 400
    assert httpx.get(sb.url + "/sendkit/v1/campaigns", headers=KEY).status_code == 200


def test_oversized_body_is_413_unread(sb: server.Running) -> None:
    reply = raw(
        sb.url,
        b"POST /sendkit/v1/campaigns HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: 999999999\r\n\r\n",
    )
    assert status(reply) == 413


def test_too_deep_json_is_400(sb: server.Running) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    r = httpx.post(
        sb.url + "/sendkit/v1/campaigns",
        content=body,
        headers={**KEY, "Content-Type": "application/json"},
    )
    assert r.status_code == 400


def test_wrong_content_type_is_415(sb: server.Running) -> None:
    r = httpx.post(
        sb.url + "/sendkit/v1/campaigns",
        content=json.dumps({"name": "x"}),
        headers={**KEY, "Content-Type": "text/plain"},
    )
    assert r.status_code == 415


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "FOO"])
def test_unknown_methods_are_405(sb: server.Running, method: str) -> None:
    r = httpx.request(method, sb.url + "/sendkit/v1/campaigns", headers=KEY)
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


def test_hang_ups_leave_no_traceback(sb: server.Running, capfd: pytest.CaptureFixture[str]) -> None:
    host, port = sb.url.removeprefix("http://").split(":")
    for _ in range(20):
        s = socket.create_connection((host, int(port)))
        s.sendall(b"GET /sendkit/v1/campaigns HTTP/1.1\r\nHost: x\r\nX-Api-Key: sk_a\r\n\r\n")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # RST before the answer is read
    assert httpx.get(sb.url + "/sendkit/v1/campaigns", headers=KEY).status_code == 200
    assert "Traceback" not in capfd.readouterr().err


def test_a_burst_of_concurrent_connections_is_accepted(sb: server.Running) -> None:
    host, port = sb.url.removeprefix("http://").split(":")
    barrier = threading.Barrier(200)
    failures: list[BaseException] = []

    def connect() -> None:
        barrier.wait()
        try:
            with socket.create_connection((host, int(port)), timeout=5) as s:
                s.sendall(
                    b"GET /sendkit/v1/campaigns HTTP/1.1\r\nHost: x\r\n"
                    b"X-Api-Key: sk_a\r\nConnection: close\r\n\r\n"
                )
                assert s.recv(12).startswith(b"HTTP/1.")
        except (OSError, AssertionError) as exc:
            failures.append(exc)

    threads = [threading.Thread(target=connect) for _ in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_lost_answers_act_and_drops_do_not() -> None:
    body = {"name": "Lost answer", "sequence": [{"type": "email", "subject": "s", "body": "b"}]}
    for kind, lands in (("lost", True), ("drop", False)):
        with server.start(":memory:", faults=server.Faults(0, 1.0, 1, (kind,))) as running:
            with pytest.raises(httpx.TransportError):
                httpx.post(running.url + "/sendkit/v1/campaigns", json=body, headers=KEY)
            running.sandbox.faults = server.Faults()
            listed = httpx.get(running.url + "/sendkit/v1/campaigns", headers=KEY).json()
            names = [c["name"] for c in listed["data"]]
            assert ("Lost answer" in names) is lands, kind


def test_unknown_fault_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        server.Faults(0, 0.1, 1, ("explode",))


# -- slow, idle and oversized clients (issue 19) ----------------------------------------------


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _closed_by_server(s: socket.socket) -> bool:
    """True when the server has closed the connection by now (without waiting)."""
    import select

    if not select.select([s], [], [], 0)[0]:
        return False
    try:
        return s.recv(65536) == b""
    except ConnectionResetError:
        return True


@pytest.fixture
def quick() -> Iterator[server.Running]:
    running = server.start(":memory:", timeout=0.5)
    try:
        yield running
    finally:
        running.stop()


def test_a_client_sending_its_headers_slowly_is_dropped(quick: server.Running) -> None:
    """One header line every 0.1 s: each read is quick, the request never ends; the server
    closes it after its timeout (0.5 s here), long before the 8 s the client would take."""
    with _connect(quick.url) as s:
        s.sendall(b"GET /sendkit/v1/campaigns HTTP/1.1\r\nHost: x\r\n")
        dropped = False
        for i in range(80):
            try:
                s.sendall(f"X-Slow-{i}: 1\r\n".encode())
            except (BrokenPipeError, ConnectionResetError):
                dropped = True
            threading.Event().wait(0.1)
            if dropped or _closed_by_server(s):
                break
        else:
            pytest.fail("the server still waited for the headers after 8 s")
    # the others were served all along
    assert httpx.get(quick.url + "/sendkit/v1/campaigns", headers=KEY).status_code == 200


def test_an_idle_keep_alive_connection_is_closed(quick: server.Running) -> None:
    with _connect(quick.url) as s:
        s.sendall(
            b"GET /sendkit/v1/campaigns HTTP/1.1\r\nHost: x\r\nX-Api-Key: sk_sandbox_demo\r\n\r\n"
        )
        reply = s.recv(65536)
        assert status(reply) == 200 and b"Connection: close" not in reply  # kept alive
        s.settimeout(5)  # then idle: the server closes it (after 0.5 s), not the client
        while reply := s.recv(65536):
            pass
        assert reply == b""


def test_a_connection_that_never_sends_is_closed(quick: server.Running) -> None:
    with _connect(quick.url) as s:
        s.settimeout(5)
        assert s.recv(65536) == b""


@pytest.mark.parametrize(
    "lines,size", [(70, 60_000), (2, 40_000)], ids=["4-MB", "80-KB-in-two-lines"]
)
def test_headers_over_64_kb_get_431_and_the_server_serves_others(
    sb: server.Running, lines: int, size: int
) -> None:
    """Each line under http.server's own 64 KB line limit, the whole over the 64 KB budget."""
    head = b"GET /sendkit/v1/campaigns HTTP/1.1\r\nHost: x\r\nX-Api-Key: sk_sandbox_demo\r\n"
    filler = b"".join(b"X-Big-%d: " % i + b"a" * size + b"\r\n" for i in range(lines))
    with _connect(sb.url) as s:
        got = b""
        try:
            s.sendall(head + filler + b"\r\n")
            while chunk := s.recv(65536):
                got += chunk
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed before all of it was sent: refused too
        assert got == b"" or status(got) == 431, got[:200]
    assert httpx.get(sb.url + "/sendkit/v1/campaigns", headers=KEY).status_code == 200


def test_headers_within_64_kb_are_served(sb: server.Running) -> None:
    r = httpx.get(sb.url + "/sendkit/v1/campaigns", headers={**KEY, "X-Big": "a" * 60_000})
    assert r.status_code == 200
