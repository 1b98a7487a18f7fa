"""Vote benchmark: 500 phones vote (dots, approval, rating mixed) against the real server.

Starts Tandem as `make run` does (gunicorn + gevent with gunicorn.conf.py) on a
fresh SQLite database; N participants join over HTTP (cookies and CSRF as a
browser); a projector is connected to the live stream and re-fetches its
turnout fragment on every `votes` event. Then:

1. saturation: for --seconds, --concurrency clients vote as fast as the server
   answers (htmx requests, as phones send them; 5% are retries of a request
   with the same idempotency key);
2. steady: for --steady-seconds, votes at a steady --rate a second;
3. the stored-once check: every acknowledged key is in vote_receipt exactly
   once, nothing else is, and the stored dots equal the acknowledged changes.
4. the floor: a bare Flask view (bench/floor_app.py: no ORM, no session, no
   CSRF) doing one raw sqlite3 INSERT in WAL mode, under the same gunicorn
   configuration and the same saturation load.

    .venv/bin/python bench/votes.py                    # 60 s + 20 s, as the issue asks
    .venv/bin/python bench/votes.py --seconds 10 --steady-seconds 5 --participants 100
    .venv/bin/python bench/votes.py --pairwise         # pairwise answers + next pair (bench/pairwise.py)

Goal (issue 5): Tandem >= 25% of the floor's throughput; p95 < 100 ms at 100 votes/s.
Other processes share the machine: the load average is printed beside the figures,
and so is the server CPU per answered request, which the noise hardly changes.
Both servers commit with synchronous=FULL (an acknowledged vote survives a power
cut), so each write waits for an fsync of the WAL while holding SQLite's write lock.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load() -> str:
    return "load avg %.2f %.2f %.2f" % os.getloadavg()


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by a server process and its workers (Linux /proc; 0 elsewhere).

    Other work on a shared machine slows a server down but hardly changes the CPU
    each request costs: CPU per request compares two servers fairly under noise.
    """
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:  # fields[1] is the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# --------------------------------------------------------------------------- #
# a small keep-alive HTTP/1.1 client on asyncio streams


class Connection:
    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def _open(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port, limit=2**22)

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(self, method, path, form=None, headers=None, cookies=None):
        body = urlencode(form, doseq=True).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if form is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        data = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        for attempt in (1, 2):
            if self.writer is None:
                await self._open()
            try:
                self.writer.write(data)
                await self.writer.drain()
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionError("closed")
                return await self._read_rest(status_line)
            except (ConnectionError, OSError):
                self.close()
                if attempt == 2:
                    raise

    async def _read_rest(self, status_line):
        status = int(status_line.split()[1])
        headers = []
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            headers.append(line.decode("latin-1").strip())
        lower = {h.split(":", 1)[0].lower(): h.split(":", 1)[1].strip() for h in headers if ":" in h}
        if "content-length" in lower:
            payload = await self.reader.readexactly(int(lower["content-length"]))
        elif lower.get("transfer-encoding", "").lower() == "chunked":
            payload = b""
            while True:
                size = int((await self.reader.readline()).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    await self.reader.readline()
                    break
                payload += await self.reader.readexactly(size)
                await self.reader.readline()
        else:
            payload = await self.reader.read()
            self.close()
        if lower.get("connection", "").lower() == "close":
            self.close()
        return status, headers, payload.decode("utf-8", "replace")


def cookies_from(headers, jar):
    for line in headers:
        if line.lower().startswith("set-cookie:"):
            parsed = SimpleCookie()
            parsed.load(line.split(":", 1)[1].strip())
            for key, morsel in parsed.items():
                jar[key] = morsel.value


CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"|name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) or match.group(2)


# --------------------------------------------------------------------------- #
# servers


def gunicorn(app_spec: str, port: int, env: dict, workers: int | None):
    command = [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", app_spec]
    if workers:
        command[3:3] = ["--workers", str(workers)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(server):
    server.send_signal(signal.SIGINT)
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(5)


async def wait_up(port: int, path: str = "/"):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _h, _b = await Connection(port).request("GET", path)
            if status < 500:
                return
        except OSError:
            await asyncio.sleep(0.2)
    raise RuntimeError("server did not start")


@contextmanager
def started_workshop(instance: str, n_ideas: int):
    """Migrate a fresh SQLite database in `instance`; then, inside the app's context, yield (workshop, its
    first vote activity) of a started family-support workshop with `n_ideas` ideas typed in from paper.
    The caller sets its votes up and moves the room; the whole set-up is committed afterwards."""
    env = dict(os.environ, TANDEM_INSTANCE=instance, FLASK_APP="app")
    env.pop("DATABASE_URL", None)
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    os.environ["TANDEM_INSTANCE"] = instance
    os.environ.pop("DATABASE_URL", None)
    from app import create_app
    from app.auth.accounts import create_user
    from app.extensions import db
    from app.models import Idea
    from app.workshops.services import create_from_recipe, start

    app = create_app()
    with app.app_context():
        user = create_user("bench@example.org", "Bench", "bench-password-123", "Bench")
        workshop = create_from_recipe(user, app.extensions["tandem_recipes"]["family-support"])
        start(workshop)
        ideas_activity = next(a for a in workshop.activities if a.kind == "ideas")
        for n in range(n_ideas):
            db.session.add(Idea(workshop_id=workshop.id, activity_id=ideas_activity.id, title=f"Idea number {n + 1}",
                                source="paper"))
        db.session.flush()
        yield workshop, next(a for a in workshop.activities if a.kind == "vote")
        db.session.commit()
        db.engine.dispose()


def prepare_tandem(instance: str, n_ideas: int) -> dict:
    """Migrate, then make a live workshop with three open votes (dots, approval, rating) and ideas."""
    with started_workshop(instance, n_ideas) as (workshop, dots):
        from app.extensions import db
        from app.models import Activity, Idea
        from app.workshops.services import move_to

        dots.config = {"method": "dots", "budget": 5, "max_per_idea": 3}
        approval = Activity(workshop_id=workshop.id, position=50, kind="vote", title="Approve", state="open",
                            config={"method": "approval"})
        rating = Activity(workshop_id=workshop.id, position=51, kind="vote", title="Rate", state="open",
                          config={"method": "rating"})
        db.session.add_all([approval, rating])
        db.session.flush()
        move_to(workshop, dots)
        ideas = list(db.session.scalars(db.select(Idea.id).filter_by(workshop_id=workshop.id)))
        result = {"workshop": workshop.id, "code": workshop.join_code, "ideas": ideas,
                  "votes": {"dots": dots.id, "approval": approval.id, "rating": rating.id}}
    return result


# --------------------------------------------------------------------------- #
# load


class Phone:
    def __init__(self, port):
        self.conn = Connection(port)
        self.cookies: dict = {}
        self.csrf = ""


async def join(port: int, code: str, group: str, workshop_id: int) -> Phone:
    phone = Phone(port)
    status, headers, page = await phone.conn.request("GET", f"/join/{code}")
    cookies_from(headers, phone.cookies)
    status, headers, _ = await phone.conn.request(
        "POST", f"/join/{code}", {"csrf_token": csrf_of(page), "group": group, "language": "en"}, cookies=phone.cookies)
    assert status == 302, status
    cookies_from(headers, phone.cookies)
    status, headers, page = await phone.conn.request("GET", f"/p/{workshop_id}", cookies=phone.cookies)
    cookies_from(headers, phone.cookies)
    phone.csrf = csrf_of(page)
    phone.conn.close()
    return phone


def make_vote(rng: random.Random, setup: dict) -> tuple[str, dict]:
    method = rng.choice(["dots", "dots", "approval", "rating"])
    ideas = setup["ideas"]
    key = secrets.token_hex(16)
    if method == "dots":
        form = {"idea": rng.choice(ideas), "change": rng.choice([1, 1, 1, -1]), "key": key}
    elif method == "approval":
        form = {"approve": rng.sample(ideas, rng.randint(0, 4)), "key": key}
    else:
        form = {"idea": rng.choice(ideas), "c0": rng.randint(1, 5), "c1": rng.randint(1, 5), "key": key}
    return method, form


class Tally:
    def __init__(self):
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.acknowledged: dict[str, tuple] = {}
        self.errors: list[str] = []

    def add(self, status, latency, method, pid, form):
        self.statuses[status] += 1
        self.latencies.append(latency)
        if status == 200:
            self.acknowledged[form["key"]] = (method, pid, form)


async def send(phone, pid, setup, method, form, tally, conn=None):
    path = f"/p/{setup['workshop']}/vote/{setup['votes'][method]}"
    headers = {"HX-Request": "true", "X-CSRFToken": phone.csrf}
    started = time.perf_counter()
    try:
        status, _h, _body = await (conn or phone.conn).request("POST", path, form, headers, phone.cookies)
    except Exception as error:  # noqa: BLE001 - a benchmark counts every failure
        tally.errors.append(repr(error))
        tally.statuses["exception"] += 1
        return None
    tally.add(status, time.perf_counter() - started, method, pid, form)
    return status


async def saturate(port, phones, setup, seconds, concurrency, seed, path_for=None):
    tally = Tally()
    rng = random.Random(seed)
    deadline = time.perf_counter() + seconds
    sent = 0

    async def worker(w):
        nonlocal sent
        conn = Connection(port)
        while time.perf_counter() < deadline:
            pid = rng.randrange(len(phones))
            method, form = make_vote(rng, setup)
            if path_for:
                started = time.perf_counter()
                try:
                    status, _h, _b = await conn.request("POST", "/vote", form)
                    tally.add(status, time.perf_counter() - started, method, pid, form)
                except Exception as error:  # noqa: BLE001
                    tally.errors.append(repr(error))
                    tally.statuses["exception"] += 1
            else:
                await send(phones[pid], pid, setup, method, form, tally, conn)
                if rng.random() < 0.05:  # the same request again, as a phone on bad Wi-Fi would
                    await send(phones[pid], pid, setup, method, form, tally, conn)
            sent += 1
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return tally, time.perf_counter() - started


async def steady(port, phones, setup, seconds, rate, seed):
    tally = Tally()
    rng = random.Random(seed)
    tasks = []
    pool = [Connection(port) for _ in range(64)]
    free = asyncio.Queue()
    for conn in pool:
        free.put_nowait(conn)

    async def one(pid, method, form):
        conn = await free.get()
        try:
            await send(phones[pid], pid, setup, method, form, tally, conn)
        finally:
            free.put_nowait(conn)

    start = time.perf_counter()
    n = 0
    while (now := time.perf_counter()) < start + seconds:
        due = start + n / rate
        if due > now:
            await asyncio.sleep(due - now)
        pid = rng.randrange(len(phones))
        method, form = make_vote(rng, setup)
        tasks.append(asyncio.create_task(one(pid, method, form)))
        n += 1
    await asyncio.gather(*tasks)
    for conn in pool:
        conn.close()
    return tally, time.perf_counter() - start


async def projector(port, setup, cookies, stop_event, counter):
    """The projector: listens to the live stream and re-fetches its turnout on each `votes` event."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**20)
    writer.write((f"GET /live/{setup['workshop']} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                  "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()) + "\r\n\r\n").encode())
    await writer.drain()
    fetch = Connection(port)
    while not stop_event.is_set():
        try:
            line = await asyncio.wait_for(reader.readline(), 1)
        except asyncio.TimeoutError:
            continue
        if not line:
            break
        if line.startswith(b"event: votes"):
            status, _h, body = await fetch.request(
                "GET", f"/f/workshops/{setup['workshop']}/projector",
                headers={"HX-Request": "true", "HX-Target": "activity-live"}, cookies=cookies)
            counter[status] += 1
    writer.close()
    fetch.close()


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] * 1000 if values else float("nan")


def report(name, tally, elapsed, cpu=None):
    ok = tally.statuses.get(200, 0)
    refused = tally.statuses.get(409, 0)
    errors = sum(v for k, v in tally.statuses.items() if k not in (200, 409))
    answered = sum(v for k, v in tally.statuses.items() if k != "exception")
    print(f"  {name}: {answered / elapsed:7.1f} votes/s answered ({ok / elapsed:.1f}/s acknowledged, "
          f"{refused} refused by a rule, {errors} errors {dict((k, v) for k, v in tally.statuses.items() if k not in (200, 409))}); "
          f"p50 {pct(tally.latencies, .5):.1f} ms, p95 {pct(tally.latencies, .95):.1f} ms, "
          f"p99 {pct(tally.latencies, .99):.1f} ms; {load()}")
    if cpu is not None and answered:
        print(f"    server CPU {cpu * 1000 / answered:.2f} ms per answered request (all server processes)")
    if tally.errors:
        print("    first errors:", tally.errors[:3])
    return answered / elapsed


def stored_once(db_path: str, tallies: list[Tally], setup: dict) -> bool:
    acknowledged = {}
    for tally in tallies:
        acknowledged.update(tally.acknowledged)
    db = sqlite3.connect(db_path)
    keys = [row[0] for row in db.execute("SELECT key FROM vote_receipt")]
    dots = dict(((p, i), n) for p, i, n in db.execute(
        "SELECT participant_id, idea_id, dots FROM vote_dot WHERE activity_id = ?", (setup["votes"]["dots"],)))
    changes = defaultdict(int)
    for row in db.execute("SELECT participant_id, idea_id, change FROM vote_receipt WHERE activity_id = ?",
                          (setup["votes"]["dots"],)):
        changes[row[0], row[1]] += row[2]
    over = db.execute("SELECT count(*) FROM vote_voter WHERE budget IS NOT NULL AND used > budget").fetchone()[0]
    db.close()
    once = len(keys) == len(set(keys)) and set(keys) == set(acknowledged)
    reconciled = {k: v for k, v in changes.items() if v} == {k: v for k, v in dots.items() if v}
    print(f"  stored once: {len(acknowledged)} acknowledged keys, {len(keys)} receipts, "
          f"{'every acknowledged vote stored exactly once' if once else 'MISMATCH'}; dots reconcile with receipts: "
          f"{reconciled}; budgets exceeded: {over}")
    return once and reconciled and over == 0


async def run_tandem(args, instance):
    setup = prepare_tandem(instance, args.ideas)
    port = free_port()
    env = dict(os.environ, TANDEM_INSTANCE=instance, FLASK_APP="app", TANDEM_BASE_URL=f"http://127.0.0.1:{port}")
    env.pop("DATABASE_URL", None)
    server = gunicorn("app:create_app()", port, env, args.workers)
    try:
        await wait_up(port)
        groups = ["parent", "staff", "volunteer"]
        phones = []
        for start in range(0, args.participants, 50):
            phones += await asyncio.gather(*(join(port, setup["code"], groups[i % 3], setup["workshop"])
                                             for i in range(start, min(args.participants, start + 50))))
        facilitator = Connection(port)
        cookies = {}
        _s, headers, page = await facilitator.request("GET", "/auth/login")
        cookies_from(headers, cookies)
        _s, headers, _ = await facilitator.request("POST", "/auth/login", {
            "csrf_token": csrf_of(page), "email": "bench@example.org", "password": "bench-password-123"}, cookies=cookies)
        cookies_from(headers, cookies)
        stop_event = asyncio.Event()
        fetched = Counter()
        watcher = asyncio.create_task(projector(port, setup, cookies, stop_event, fetched))
        await asyncio.sleep(1)
        print(f"Tandem (gunicorn.conf.py, gevent, {args.workers or 'default'} workers, SQLite), "
              f"{len(phones)} participants joined, {len(setup['ideas'])} ideas, projector connected")
        cpu = server_cpu(server.pid)
        tally, elapsed = await saturate(port, phones, setup, args.seconds, args.concurrency, 1)
        cpu = server_cpu(server.pid) - cpu
        rate = report(f"saturation {args.seconds:.0f} s, {args.concurrency} clients", tally, elapsed, cpu)
        steady_tally, steady_elapsed = await steady(port, phones, setup, args.steady_seconds, args.rate, 2)
        report(f"steady {args.rate:.0f}/s for {args.steady_seconds:.0f} s", steady_tally, steady_elapsed)
        stop_event.set()
        await watcher
        print(f"  projector re-fetched its turnout {sum(fetched.values())} times {dict(fetched)}")
        good = stored_once(os.path.join(instance, "tandem.db"), [tally, steady_tally], setup)
        return rate, pct(steady_tally.latencies, .95), good
    finally:
        stop(server)


async def run_floor(args, instance):
    from bench.floor_app import create_schema

    path = os.path.join(instance, "floor.db")
    create_schema(path)
    port = free_port()
    env = dict(os.environ, TANDEM_FLOOR_DB=path, PYTHONPATH=str(ROOT))
    server = gunicorn("bench.floor_app:app", port, env, args.workers)
    try:
        await wait_up(port)
        setup = {"ideas": list(range(1, args.ideas + 1))}
        cpu = server_cpu(server.pid)
        tally, elapsed = await saturate(port, [None], setup, args.seconds, args.concurrency, 3, path_for=True)
        cpu = server_cpu(server.pid) - cpu
        print("Floor (bare Flask view, one raw sqlite3 INSERT, WAL, synchronous=FULL, same gunicorn config)")
        rate = report(f"saturation {args.seconds:.0f} s, {args.concurrency} clients", tally, elapsed, cpu)
        rows = sqlite3.connect(path).execute("SELECT count(*) FROM vote").fetchone()[0]
        print(f"  rows stored {rows}, acknowledged {tally.statuses.get(200, 0)}")
        return rate
    finally:
        stop(server)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--steady-seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--ideas", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None, help="default: as gunicorn.conf.py says")
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--pairwise", action="store_true",
                        help="pairwise answers, each fetching the next pair (bench/pairwise.py; 200 ideas by default)")
    args = parser.parse_args()
    if args.pairwise:
        from bench.pairwise import main as pairwise

        if "--ideas" not in sys.argv:
            args.ideas = 200
        return pairwise(args)
    print(f"{os.cpu_count()} cores; {load()}")
    with tempfile.TemporaryDirectory() as instance:
        rate, steady_p95, good = asyncio.run(run_tandem(args, instance))
        if args.skip_floor:
            return
        floor = asyncio.run(run_floor(args, instance))
    print(f"Tandem {rate:.1f} votes/s vs floor {floor:.1f} inserts/s: ratio {rate / floor:.1%} (goal >= 25%); "
          f"steady p95 {steady_p95:.1f} ms (goal < 100 ms); stored once: {good}; {load()}")


if __name__ == "__main__":
    main()
