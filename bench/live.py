"""Live channel benchmark: N phones listen; the facilitator moves the stage; how fast does every phone follow?

Starts the real server as `make run` does (gunicorn + gevent, gunicorn.conf.py) on a
fresh SQLite database, joins N phones over HTTP (CSRF and cookies as a browser
would), opens N SSE streams, then moves the room twice and measures for each
phone the time until it shows its new #stage, for three moves in turn:
  blank    to the journey map, where no phone has written anything yet: the screen is
           the same for a whole group, so the server pushes it rendered down the stream;
  shared   to a screen that is the same for a whole group (welcome): pushed likewise;
  own      back to the journey map after EVERY phone has added a card there: each
           phone's screen is its own, so the `stage` event, then each phone fetches it.

    .venv/bin/python bench/live.py                  # N = 200, 500, 1000
    .venv/bin/python bench/live.py --phones 50      # a quick look
    .venv/bin/python bench/live.py --no-push        # every phone fetches every screen (as before)

Prints p50 / p95 / max per N and the server's memory (RSS of master + workers).
Goal (issue 2): at N = 1000 on a 2-core machine, p95 under 1 s.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import signal
import socket
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


def start_server(instance: str, port: int, workers: int, push: bool = True):
    env = dict(os.environ, TANDEM_INSTANCE=instance, FLASK_APP="app", TANDEM_BASE_URL=f"http://127.0.0.1:{port}",
               TANDEM_LIVE_PUSH="1" if push else "0")
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
    phone.csrf = csrf_of(page)  # the session's token: good for its later forms too
    status, _ = await phone.request("POST", f"/join/{code}", {"csrf_token": phone.csrf, "group": group, "language": "en"})
    assert status == 302, status
    return phone


TRIGGER = re.compile(r'<div id="([\w-]+)" hx-get="([^"]+)" hx-trigger="([^"]+)"')
SWAP = re.compile(r'<div id="([\w-]+)"[^>]*\ssse-swap="([^"]+)"')


def phone_regions(page: str) -> dict[str, tuple[str, set[str]]]:
    """The live regions of the phone page: id -> (url, the sse events that refetch it), as htmx reads them."""
    return {
        region: (url.replace("&amp;", "&"), {t.strip()[4:].split()[0] for t in trigger.split(",") if t.strip().startswith("sse:")})
        for region, url, trigger in TRIGGER.findall(page)
    }


def phone_swaps(page: str) -> dict[str, str]:
    """sse event -> the region it is swapped into as it comes (sse-swap: a screen pushed down the stream)."""
    return {name.strip(): region for region, names in SWAP.findall(page) for name in names.split(",")}


async def read_message(reader):
    """One SSE message as (event, data), or None when the stream ends; comments and retry lines are skipped.

    Reads a whole message at once (up to its blank line), as a browser's EventSource parser
    would, so a 17 KB pushed screen costs the client one read, not a few hundred."""
    while True:
        try:
            raw = await reader.readuntil(b"\n\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        name, data = None, []
        for line in raw.decode().split("\n"):
            line = line.rstrip("\r")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data:"):
                data.append(line[6:] if line.startswith("data: ") else line[5:])
        if name is not None:
            return name, "\n".join(data)


async def follow(phone: Http, reader, regions, swaps, expect: str, go):
    """Do what the phone page does on a live event: swap a pushed screen in, or refetch every region that listens.

    htmx runs one request per region at a time (a second trigger waits for the
    first), and different regions in parallel. Returns (event heard, stage shown,
    everything done, requests made), as perf_counter times.
    """
    while True:
        message = await read_message(reader)
        if message is None:
            return None
        if go.value and time.perf_counter() >= go.value:
            break  # (events before the move, e.g. the previous move's, are not it)
    heard = time.perf_counter()
    messages = [message]
    while reader._buffer.startswith(b"event: "):  # messages that arrived in the same write
        messages.append(await read_message(reader))
    names = {name for name, _data in messages if name not in swaps}
    stage_done, requests = 0.0, 0
    for name, data in messages:
        if swaps.get(name) == "stage":
            if expect not in data:
                print(f"phone got a wrong pushed #stage: {data[:200]!r}", file=sys.stderr)
                return None
            stage_done = time.perf_counter()

    async def refresh(region: str, url: str, events: set[str]):
        nonlocal stage_done, requests
        for _ in range(len(events & names)):
            requests += 1
            status, fragment = await phone.request("GET", url, headers={"HX-Request": "true", "HX-Target": region})
            if region == "stage":
                if status != 200 or expect not in fragment:
                    print(f"phone got a wrong #stage: {status} {fragment[:200]!r}", file=sys.stderr)
                    return
                stage_done = time.perf_counter()

    await asyncio.gather(*(refresh(r, url, ev) for r, (url, ev) in regions.items() if ev & names))
    if not stage_done:
        return None
    return heard, stage_done, time.perf_counter(), requests


# The moves measured, in this order: (label, activity kind to go to, text its phone screen shows).
MOVES = [
    ("blank", "journey", "How does getting help feel today?"),  # nobody has a card yet: pushed
    ("shared", "welcome", "Welcome and join in"),  # the same screen for a whole group: pushed down the stream
    ("own", "journey", "How does getting help feel today?"),  # every phone has a card there: each fetches
]
CARD_FORM = re.compile(r'<form method="post" action="([^"]+/cards)".*?<select[^>]*name="phase"[^>]*>\s*<option value="(\d+)"'
                       r'.*?<select[^>]*name="lane"[^>]*>\s*<option value="(\d+)"', re.S)


async def card_form(phone, workshop_id: int) -> tuple[str, str, str]:
    """The journey's add-card form (action, first phase, first lane), read while the journey is the stage."""
    _status, page = await phone.request("GET", f"/p/{workshop_id}", headers={"HX-Request": "true", "HX-Target": "stage"})
    return CARD_FORM.search(page).groups()


async def add_cards(phones: list, form: tuple[str, str, str]) -> None:
    """Before the `own` move: every phone adds a card to the journey map (while the room is elsewhere)."""
    action, phase, lane = form
    for start in range(0, len(phones), 50):
        answers = await asyncio.gather(*(
            p.request("POST", action, {"phase": phase, "lane": lane, "text": f"Card from phone {start + i}"},
                      headers={"X-CSRFToken": p.csrf, "HX-Request": "true"})
            for i, p in enumerate(phones[start:start + 50])))
        assert all(status == 200 for status, _ in answers), [status for status, _ in answers]


async def phones_part(port: int, workshop_id: int, code: str, first: int, count: int, readies, go, results) -> None:
    """One client process: join `count` phones, open their streams, follow each move in MOVES."""
    groups = ["parent", "staff", "volunteer"]
    joined = []
    for start in range(first, first + count, 50):  # join in waves, as a room does
        joined += await asyncio.gather(*(join_phone(port, code, groups[i % 3]) for i in range(start, min(first + count, start + 50))))
    _, page = await joined[0].request("GET", f"/p/{workshop_id}")
    regions, swaps = phone_regions(page), phone_swaps(page)
    assert "stage" in regions, "the phone page has a #stage region that follows sse events"
    streams = []
    for start in range(0, count, 100):
        streams += await asyncio.gather(*(p.open_stream(f"/live/{workshop_id}") for p in joined[start:start + 100]))
    form = None
    for (label, kind, expect), ready in zip(MOVES, readies):
        if label == "own":
            await add_cards(joined, form)
        followers = [asyncio.create_task(follow(p, r, regions, swaps, expect, go)) for p, (r, _w) in zip(joined, streams)]
        ready.set()
        cpu0 = time.process_time()
        done, pending = await asyncio.wait(followers, timeout=30)
        cpu = time.process_time() - cpu0
        for task in pending:
            task.cancel()
        failed = [t for t in done if t.exception() is not None]  # e.g. a connection reset by an overloaded server
        if kind == "journey" and form is None:
            form = await card_form(joined[0], workshop_id)
        results.put({"follows": [t.result() for t in done if t not in failed and t.result()], "cpu": cpu,
                     "errors": len(failed) + len(pending)})
    for _reader, writer in streams:
        writer.close()


def client_process(*args) -> None:
    asyncio.run(phones_part(*args))


async def setup_workshop(port: int, phones: int):
    facilitator = Http(port)
    _, page = await facilitator.request("GET", "/auth/login")
    await facilitator.request("POST", "/auth/login", {"csrf_token": csrf_of(page), "email": "bench@example.org", "password": PASSWORD})
    _, page = await facilitator.request("GET", "/f/")
    await facilitator.request("POST", "/f/workshops", {"csrf_token": csrf_of(page), "recipe": "family-support", "title": f"Bench {phones}"})
    _, page = await facilitator.request("GET", "/f/")
    workshop_id = max(int(n) for n in re.findall(r"/f/workshops/(\d+)/run", page))
    await facilitator.request("POST", f"/f/workshops/{workshop_id}/start", {"csrf_token": csrf_of(page)})
    _, panel = await facilitator.request("GET", f"/f/workshops/{workshop_id}/run")
    code = re.search(r'class="code">(\d{4}) (\d{4})<', panel)
    return facilitator, workshop_id, code.group(1) + code.group(2)


async def press_goto(facilitator: Http, workshop_id: int, kind: str, go) -> float:
    _, panel = await facilitator.request("GET", f"/f/workshops/{workshop_id}/run")
    # the agenda: each activity's kind, then its "Go here" form (the current one has none)
    rows = re.findall(rf'<span class="kind">(\w+) ·.*?(?:/f/workshops/{workshop_id}/goto/(\d+)|</li>)', panel, flags=re.S)
    activity_id = next(found for row_kind, found in rows if row_kind == kind and found)
    t0 = go.value = time.perf_counter()
    status, _ = await facilitator.request("POST", f"/f/workshops/{workshop_id}/goto/{activity_id}", {"csrf_token": csrf_of(panel)})
    assert status == 302, status
    return t0


def start_profiles(server_pid: int, folder: str, phones) -> list:
    """py-spy (pip install py-spy) on each worker for the few seconds after a move: collapsed stacks, CPU only."""
    workers = subprocess.run(["pgrep", "-P", str(server_pid)], capture_output=True, text=True).stdout.split()
    spies = [subprocess.Popen([str(BIN / "py-spy"), "record", "--pid", pid, "--duration", "5", "--rate", "250",
                               "--format", "raw", "--output", f"{folder}/worker-{pid}-{phones}.txt", "--nonblocking"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for pid in workers]
    time.sleep(1.0)  # attached
    return spies


def run_round(port: int, phones: int, clients: int, server_pid: int, profile: str | None = None) -> list[dict]:
    """Phones are spread over `clients` processes (perf_counter is one clock for all of them on Linux).
    One round: the phones join, then each move in MOVES is measured in turn."""
    facilitator, workshop_id, code = asyncio.run(setup_workshop(port, phones))
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    go = ctx.Value("d", 0.0, lock=False)  # when the move is pressed (perf_counter: one clock for all processes)
    share = [phones // clients + (1 if i < phones % clients else 0) for i in range(clients)]
    readies, procs = [], []
    for i, count in enumerate(share):
        ready = [ctx.Event() for _ in MOVES]
        proc = ctx.Process(target=client_process, args=(port, workshop_id, code, sum(share[:i]), count, ready, go, results))
        proc.start()
        readies.append(ready)
        procs.append(proc)
    rounds = []
    for index, (label, kind, _expect) in enumerate(MOVES):
        for ready in readies:
            ready[index].wait(600)
        time.sleep(1.5)  # every stream is registered and past its first bytes
        spies = start_profiles(server_pid, profile, f"{phones}-{label}") if profile else []
        server_cpu0 = cpu_seconds(server_pid)
        t0 = asyncio.run(press_goto(facilitator, workshop_id, kind, go))
        parts = [results.get(timeout=120) for _ in procs]
        server_cpu = cpu_seconds(server_pid) - server_cpu0
        for spy in spies:
            spy.wait(30)
        follows = [f for part in parts for f in part["follows"]]
        rounds.append({
            "move": label,
            "phones": phones,
            "followed": len(follows),
            "heard": sorted(f[0] - t0 for f in follows),
            "fetched": sorted(f[1] - t0 for f in follows),
            "all": sorted(f[2] - t0 for f in follows),
            "requests": sum(f[3] for f in follows) / max(1, len(follows)),
            "client_cpu": sum(part["cpu"] for part in parts),
            "errors": sum(part["errors"] for part in parts),
            "server_cpu": server_cpu,
            "load": os.getloadavg()[0],
        })
        time.sleep(1.0)
    for proc in procs:
        proc.join(30)
    return rounds


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the server (master and workers) so far, from /proc."""
    total = 0
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    for p in [pid, *map(int, children)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except FileNotFoundError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, nargs="*", default=[200, 500, 1000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=1, help="client processes the phones are spread over")
    parser.add_argument("--rounds", type=int, default=1, help="measure each N this many times")
    parser.add_argument("--profile", metavar="DIR", help="write py-spy profiles of the workers after each move into DIR")
    parser.add_argument("--no-push", action="store_true", help="TANDEM_LIVE_PUSH=0: every phone fetches every screen")
    args = parser.parse_args()

    port = free_port()
    with tempfile.TemporaryDirectory() as instance:
        server = start_server(instance, port, args.workers, push=not args.no_push)
        try:
            time.sleep(3)
            print(f"Tandem live channel: gunicorn gevent, {args.workers} workers, SQLite, {os.cpu_count()} cores, "
                  f"{args.clients} client process(es) on the same machine")
            print("times from the facilitator's move until a phone has: heard the event / shown its new #stage (pushed"
                  " in the stream, or fetched) / done everything the event asks; CPU seconds used meanwhile by server and"
                  f" client; moves: {', '.join(f'{label} (to {kind})' for label, kind, _ in MOVES)};"
                  f" push {'off' if args.no_push else 'on'}")
            print(f"{'move':>8} {'phones':>6} {'ok':>5} {'event p50':>9} {'p95':>6} {'max':>6} {'stage p50':>9} {'p95':>6} {'max':>6}"
                  f" {'all p95':>7} {'req/ph':>6} {'srv CPU':>7} {'cli CPU':>7} {'RSS MB':>6} {'load':>5}")
            for n in args.phones:
                for _ in range(args.rounds):
                    for r in run_round(port, n, args.clients, server.pid, args.profile):
                        heard, fetched = r["heard"], r["fetched"]
                        print(f"{r['move']:>8} {n:>6} {r['followed']:>5} {pct(heard, .5):>8.3f}s {pct(heard, .95):>5.2f}s {pct(heard, 1):>5.2f}s"
                              f" {pct(fetched, .5):>8.3f}s {pct(fetched, .95):>5.2f}s {pct(fetched, 1):>5.2f}s"
                              f" {pct(r['all'], .95):>6.2f}s {r['requests']:>6.1f} {r['server_cpu']:>6.2f}s {r['client_cpu']:>6.2f}s"
                              f" {rss_mb(server.pid):>6.0f} {r['load']:>5.1f}"
                              + (f"  ({r['errors']} phones failed: connection error or timeout)" if r["errors"] else ""), flush=True)
                    time.sleep(2)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
