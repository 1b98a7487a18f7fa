"""Pairwise benchmark: phones answer "which is better?" rounds; each answer also fetches the next pair.

Run through `bench/votes.py --pairwise` (or this file directly; same options).
Starts Tandem as `make run` does (gunicorn + gevent, gunicorn.conf.py) on a
fresh SQLite database with one open pairwise vote over --ideas ideas;
--participants phones join over HTTP; the projector listens to the live stream
and re-fetches its turnout on each `votes` event. Each request is one htmx
answer whose response carries the phone's next pair (what the phone shows
next), read from the response for the phone's next answer. Then:

1. saturation: --seconds with --concurrency clients answering as fast as the
   server allows (5% are retries with the same idempotency key);
2. steady: --steady-seconds at --rate answers a second;
3. the stored-once check: every acknowledged key is in vote_receipt exactly
   once, nothing else is, each acknowledged answer is one vote_pairwise row,
   and no person has answered a pair twice.

    .venv/bin/python bench/votes.py --pairwise           # 500 phones, 200 ideas, 60 s + 20 s at 100/s

Goal (issue 6): p95 under 150 ms for answer + next pair at 100 answers/s.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.votes import (  # noqa: E402
    BIN, Connection, Tally, cookies_from, csrf_of, free_port, load, pct, projector, report, server_cpu,
    started_workshop, stop, wait_up,
)

PAIR = re.compile(r'name="left" value="(\d+)"><input type="hidden" name="right" value="(\d+)"')


def prepare(instance: str, n_ideas: int) -> dict:
    """Migrate, then make a live workshop whose vote activity is pairwise and open, with n ideas."""
    with started_workshop(instance, n_ideas) as (workshop, vote):
        from app.workshops.services import move_to

        vote.config = {"method": "pairwise"}
        move_to(workshop, vote)
        result = {"workshop": workshop.id, "code": workshop.join_code, "vote": vote.id}
    return result


class Phone:
    def __init__(self, port):
        self.conn = Connection(port)
        self.cookies: dict = {}
        self.csrf = ""
        self.pair = None


async def join(port: int, code: str, group: str, workshop_id: int) -> Phone:
    phone = Phone(port)
    _s, headers, page = await phone.conn.request("GET", f"/join/{code}")
    cookies_from(headers, phone.cookies)
    status, headers, _ = await phone.conn.request(
        "POST", f"/join/{code}", {"csrf_token": csrf_of(page), "group": group, "language": "en"}, cookies=phone.cookies)
    assert status == 302, status
    cookies_from(headers, phone.cookies)
    _s, headers, page = await phone.conn.request("GET", f"/p/{workshop_id}", cookies=phone.cookies)
    cookies_from(headers, phone.cookies)
    phone.csrf = csrf_of(page)
    phone.pair = PAIR.search(page).groups()
    phone.conn.close()
    return phone


async def answer(phone, pid, setup, rng, tally, conn, retry=False, form=None):
    """One answer to the phone's current pair; the response's next pair becomes the phone's pair."""
    left, right = phone.pair
    form = form or {"left": left, "right": right, "key": secrets.token_hex(16),
                    "choice": rng.choice([left, right, left, right, "none"])}
    path = f"/p/{setup['workshop']}/vote/{setup['vote']}"
    started = time.perf_counter()
    try:
        status, _h, body = await conn.request("POST", path, form, {"HX-Request": "true", "X-CSRFToken": phone.csrf},
                                              phone.cookies)
    except Exception as error:  # noqa: BLE001 - a benchmark counts every failure
        tally.errors.append(repr(error))
        tally.statuses["exception"] += 1
        return None
    tally.add(status, time.perf_counter() - started, "pairwise", pid, form)
    if status == 200:
        found = PAIR.search(body)
        if found is None:
            tally.errors.append("no next pair in the answer")
        else:
            phone.pair = found.groups()
    elif status != 409:
        tally.errors.append(f"{status}: {body[:200]}")
    return form


class Idle:
    """Phones not in the middle of a request (a phone answers one pair at a time, as a person does)."""

    def __init__(self, n, rng):
        self.free = list(range(n))
        self.rng = rng

    def take(self):
        index = self.rng.randrange(len(self.free))
        self.free[index], self.free[-1] = self.free[-1], self.free[index]
        return self.free.pop()

    def give(self, pid):
        self.free.append(pid)


async def saturate(port, phones, setup, seconds, concurrency, seed):
    tally, rng = Tally(), random.Random(seed)
    idle = Idle(len(phones), rng)
    deadline = time.perf_counter() + seconds

    async def worker():
        conn = Connection(port)
        while time.perf_counter() < deadline:
            pid = idle.take()
            try:
                form = await answer(phones[pid], pid, setup, rng, tally, conn)
                if form and rng.random() < 0.05:  # the same request again, as on bad Wi-Fi
                    await answer(phones[pid], pid, setup, rng, tally, conn, form=form)
            finally:
                idle.give(pid)
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return tally, time.perf_counter() - started


async def steady(port, phones, setup, seconds, rate, seed):
    tally, rng = Tally(), random.Random(seed)
    idle = Idle(len(phones), rng)
    free = asyncio.Queue()
    pool = [Connection(port) for _ in range(64)]
    for conn in pool:
        free.put_nowait(conn)

    async def one():
        conn, pid = await free.get(), idle.take()
        try:
            await answer(phones[pid], pid, setup, rng, tally, conn)
        finally:
            idle.give(pid)
            free.put_nowait(conn)

    tasks, start, n = [], time.perf_counter(), 0
    while (now := time.perf_counter()) < start + seconds:
        due = start + n / rate
        if due > now:
            await asyncio.sleep(due - now)
        tasks.append(asyncio.create_task(one()))
        n += 1
    await asyncio.gather(*tasks)
    for conn in pool:
        conn.close()
    return tally, time.perf_counter() - start


def stored_once(db_path: str, tallies, setup) -> bool:
    acknowledged = {}
    for tally in tallies:
        acknowledged.update(tally.acknowledged)
    db = sqlite3.connect(db_path)
    keys = [row[0] for row in db.execute("SELECT key FROM vote_receipt WHERE activity_id = ?", (setup["vote"],))]
    rows = db.execute("SELECT count(*), count(DISTINCT participant_id || ':' || low_id || ':' || high_id) "
                      "FROM vote_pairwise WHERE activity_id = ?", (setup["vote"],)).fetchone()
    db.close()
    once = len(keys) == len(set(keys)) and set(keys) == set(acknowledged) and rows[0] == len(keys)
    print(f"  stored once: {len(acknowledged)} acknowledged keys, {len(keys)} receipts, {rows[0]} answers "
          f"({rows[1]} distinct person-pairs): "
          f"{'every acknowledged answer stored exactly once' if once and rows[0] == rows[1] else 'MISMATCH'}")
    return once and rows[0] == rows[1]


async def run(args, instance):
    setup = prepare(instance, args.ideas)
    port = free_port()
    env = dict(os.environ, TANDEM_INSTANCE=instance, FLASK_APP="app", TANDEM_BASE_URL=f"http://127.0.0.1:{port}")
    env.pop("DATABASE_URL", None)
    log_path = os.path.join(instance, "server.log")
    server = serve(port, env, args.workers, log_path)
    try:
        await wait_up(port)
        groups = ["parent", "staff", "volunteer"]
        phones = []
        for begin in range(0, args.participants, 50):
            phones += await asyncio.gather(*(join(port, setup["code"], groups[i % 3], setup["workshop"])
                                             for i in range(begin, min(args.participants, begin + 50))))
        facilitator, cookies = Connection(port), {}
        _s, headers, page = await facilitator.request("GET", "/auth/login")
        cookies_from(headers, cookies)
        _s, headers, _ = await facilitator.request("POST", "/auth/login", {
            "csrf_token": csrf_of(page), "email": "bench@example.org", "password": "bench-password-123"},
            cookies=cookies)
        cookies_from(headers, cookies)
        stop_event, fetched = asyncio.Event(), Counter()
        watcher = asyncio.create_task(projector(port, {"workshop": setup["workshop"]}, cookies, stop_event, fetched))
        await asyncio.sleep(1)
        print(f"Tandem pairwise (gunicorn.conf.py, gevent, {args.workers or 'default'} workers, SQLite), "
              f"{len(phones)} participants joined, {args.ideas} ideas, projector connected; "
              f"each answer's response carries the next pair")
        cpu = server_cpu(server.pid)
        tally, elapsed = await saturate(port, phones, setup, args.seconds, args.concurrency, 1)
        cpu = server_cpu(server.pid) - cpu
        rate = report(f"saturation {args.seconds:.0f} s, {args.concurrency} clients", tally, elapsed, cpu)
        cpu = server_cpu(server.pid)
        steady_tally, steady_elapsed = await steady(port, phones, setup, args.steady_seconds, args.rate, 2)
        cpu = server_cpu(server.pid) - cpu
        report(f"steady {args.rate:.0f}/s for {args.steady_seconds:.0f} s", steady_tally, steady_elapsed, cpu)
        stop_event.set()
        await watcher
        print(f"  projector re-fetched its turnout {sum(fetched.values())} times {dict(fetched)}")
        good = stored_once(os.path.join(instance, "tandem.db"), [tally, steady_tally], setup)
        p95 = pct(steady_tally.latencies, .95)
        print(f"Pairwise: {rate:.1f} answers/s at saturation; steady {args.rate:.0f}/s p95 {p95:.1f} ms "
              f"(goal < 150 ms): {'met' if p95 < 150 else 'MISSED'}; stored once: {good}; {load()}")
        causes = Counter(line.strip()[:160] for line in open(log_path, errors="replace")
                         if line.startswith(("sqlalchemy.exc.", "sqlite3.", "OperationalError")))
        if causes:
            print("  server errors:", dict(causes.most_common(3)))
        return rate, p95, good
    finally:
        stop(server)


def serve(port, env, workers, log_path):
    """gunicorn as `make run` starts it, its log in a file (a pipe nobody reads would stall the workers)."""
    import subprocess

    command = [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "app:create_app()"]
    if workers:
        command[3:3] = ["--workers", str(workers)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(log_path, "wb"))


def add_arguments(parser):
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--steady-seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--ideas", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None, help="default: as gunicorn.conf.py says")


def main(args=None):
    if args is None:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        add_arguments(parser)
        args = parser.parse_args()
    print(f"{os.cpu_count()} cores; {load()}")
    with tempfile.TemporaryDirectory() as instance:
        asyncio.run(run(args, instance))


if __name__ == "__main__":
    main()
