"""Live channel benchmark: N phones listen; the facilitator moves the stage; how fast does every phone follow?

Starts the real server as `make run` does (gunicorn + gevent, gunicorn.conf.py) on a
fresh SQLite database, joins N phones over HTTP (CSRF and cookies as a browser
would), opens N SSE streams, presses "next", and measures for each phone the time
until it has received the `stage` event and fetched its new fragment.

    .venv/bin/python bench/live.py                  # N = 200, 500, 1000
    .venv/bin/python bench/live.py --phones 50      # a quick look

Prints p50 / p95 / max per N and the server's memory (RSS of master + workers).
Goal (issue 2): at N = 1000 on a 2-core machine, p95 under 1 s.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "bench-password-123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(instance: str, port: int, workers: int):
    env = dict(os.environ, TANDEM_INSTANCE=instance, FLASK_APP="app", TANDEM_BASE_URL=f"http://127.0.0.1:{port}")
    env.pop("DATABASE_URL", None) if "--keep-db-url" not in sys.argv else None
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "flask"), "users", "create", "--email", "bench@example.org", "--name", "Bench",
                    "--password", PASSWORD], cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return server


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    pids += [int(p) for p in children]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


class Http:
    """A tiny HTTP/1.1 client on asyncio streams: one connection per request, cookies kept."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, headers: list[str]) -> None:
        for line in headers:
            if line.lower().startswith("set-cookie:"):
                jar = SimpleCookie()
                jar.load(line.split(":", 1)[1].strip())
                for key, morsel in jar.items():
                    self.cookies[key] = morsel.value

    async def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        body = urlencode(form).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Connection: close"]
        if self.cookies:
            lines.append(f"Cookie: {self._cookie_header()}")
        if form is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        for key, value in (headers or {}).items():
            lines.append(f"{key}: {value}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await reader.read()
        writer.close()
        head, _, payload = raw.partition(b"\r\n\r\n")
        head_lines = head.decode("latin-1").split("\r\n")
        status = int(head_lines[0].split()[1])
        self._keep_cookies(head_lines[1:])
        if b"transfer-encoding: chunked" in head.lower():
            payload = dechunk(payload)
        return status, payload.decode("utf-8", "replace")

    async def open_stream(self, path: str):
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port, limit=2**20)
        writer.write((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                      f"Cookie: {self._cookie_header()}\r\n\r\n").encode())
        await writer.drain()
        while (await reader.readline()) not in (b"\r\n", b""):
            pass  # headers
        return reader, writer


def dechunk(data: bytes) -> bytes:
    out, rest = b"", data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2:]
    return out


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) or match.group(2)


async def join_phone(port: int, code: str, group: str) -> Http:
    phone = Http(port)
    status, page = await phone.request("GET", f"/join/{code}")
    assert status == 200, status
    status, _ = await phone.request("POST", f"/join/{code}", {"csrf_token": csrf_of(page), "group": group, "language": "en"})
    assert status == 302, status
    return phone


async def run_round(port: int, phones: int) -> dict:
    facilitator = Http(port)
    _, page = await facilitator.request("GET", "/auth/login")
    await facilitator.request("POST", "/auth/login", {"csrf_token": csrf_of(page), "email": "bench@example.org", "password": PASSWORD})
    _, page = await facilitator.request("GET", "/f/")
    await facilitator.request("POST", "/f/workshops", {"csrf_token": csrf_of(page), "recipe": "family-support", "title": f"Bench {phones}"})
    _, page = await facilitator.request("GET", "/f/")
    workshop_id = max(int(n) for n in re.findall(r"/f/workshops/(\d+)/run", page))
    token = csrf_of(page)
    await facilitator.request("POST", f"/f/workshops/{workshop_id}/start", {"csrf_token": token})
    _, panel = await facilitator.request("GET", f"/f/workshops/{workshop_id}/run")
    code = re.search(r'class="code">(\d{4}) (\d{4})<', panel)
    code = code.group(1) + code.group(2)

    joined = []
    groups = ["parent", "staff", "volunteer"]
    for start in range(0, phones, 50):  # join in waves, as a room does
        joined += await asyncio.gather(*(join_phone(port, code, groups[i % 3]) for i in range(start, min(phones, start + 50))))

    streams = []
    for start in range(0, phones, 100):
        streams += await asyncio.gather(*(p.open_stream(f"/live/{workshop_id}") for p in joined[start:start + 100]))
    await asyncio.sleep(1.5)  # every stream is registered and past its first bytes

    results: list[tuple[float, float]] = []
    moved = asyncio.Event()
    t0 = 0.0

    async def follow(phone: Http, reader):
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"event: stage") and moved.is_set():
                heard = time.perf_counter()
                status, fragment = await phone.request(
                    "GET", f"/p/{workshop_id}", headers={"HX-Request": "true", "HX-Target": "stage"})
                assert status == 200 and "How does getting help feel today?" in fragment
                results.append((heard - t0, time.perf_counter() - t0))
                return

    followers = [asyncio.create_task(follow(phone, reader)) for phone, (reader, _w) in zip(joined, streams)]
    _, panel = await facilitator.request("GET", f"/f/workshops/{workshop_id}/run")
    moved.set()
    t0 = time.perf_counter()
    status, _ = await facilitator.request("POST", f"/f/workshops/{workshop_id}/step", {"csrf_token": csrf_of(panel), "direction": "next"})
    assert status == 302
    done, pending = await asyncio.wait(followers, timeout=30)
    for task in pending:
        task.cancel()
    for _reader, writer in streams:
        writer.close()
    heard = sorted(r[0] for r in results)
    fetched = sorted(r[1] for r in results)
    return {"phones": phones, "followed": len(results), "heard": heard, "fetched": fetched}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, nargs="*", default=[200, 500, 1000])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    port = free_port()
    with tempfile.TemporaryDirectory() as instance:
        server = start_server(instance, port, args.workers)
        try:
            time.sleep(3)
            print(f"Tandem live channel: gunicorn gevent, {args.workers} workers, SQLite, {os.cpu_count()} cores")
            print(f"{'phones':>7} {'followed':>9} {'event p50':>10} {'p95':>7} {'max':>7} {'+fragment p50':>14} {'p95':>7} {'max':>7} {'RSS MB':>8}")
            for n in args.phones:
                result = asyncio.run(run_round(port, n))
                heard, fetched = result["heard"], result["fetched"]
                print(f"{n:>7} {result['followed']:>9} {pct(heard, .5):>9.3f}s {pct(heard, .95):>6.3f}s {pct(heard, 1):>6.3f}s"
                      f" {pct(fetched, .5):>13.3f}s {pct(fetched, .95):>6.3f}s {pct(fetched, 1):>6.3f}s {rss_mb(server.pid):>8.1f}")
                time.sleep(2)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
