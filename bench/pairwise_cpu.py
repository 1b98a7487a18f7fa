"""Pairwise answer + next pair, in-process: CPU ms per answer without HTTP or a load generator's noise.

Makes a fresh SQLite database as `bench/pairwise.py` does (one open pairwise vote,
--ideas ideas, --participants people), seeds --seed-answers answers spread over the
room (what a busy vote has stored after a while), then sends --answers htmx answers
through Flask's test client, each to the pair the phone was last shown, and prints the
CPU time per answer (process time: the test client and the server share the process,
the client's part is small). --profile prints the top of a cProfile of the answers.

    .venv/bin/python bench/pairwise_cpu.py
    .venv/bin/python bench/pairwise_cpu.py --profile
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAIR = re.compile(r'name="left" value="(\d+)"><input type="hidden" name="right" value="(\d+)"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=200)
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--seed-answers", type=int, default=5000)
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime ...")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        run(args, instance)


def run(args, instance):
    from bench.pairwise import prepare

    setup = prepare(instance, args.ideas)
    from sqlalchemy import insert, select

    from app import create_app
    from app.extensions import db
    from app.models import Idea, PairwiseAnswer, Participant, Voter

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["RATELIMIT_ENABLED"] = False
    rng = random.Random(1)
    with app.app_context():
        ideas = list(db.session.scalars(select(Idea.id).filter_by(workshop_id=setup["workshop"]).order_by(Idea.id)))
        people = []
        for n in range(args.participants):
            token = secrets.token_urlsafe(24)
            person = Participant(workshop_id=setup["workshop"], token=token, group_key=["parent", "staff", "volunteer"][n % 3])
            db.session.add(person)
            people.append(person)
        db.session.flush()
        seeded, rows = set(), []
        while len(rows) < args.seed_answers:
            pid = rng.choice(people).id
            low, high = sorted(rng.sample(ideas, 2))
            if (pid, low, high) in seeded:
                continue
            seeded.add((pid, low, high))
            rows.append({"activity_id": setup["vote"], "participant_id": pid, "low_id": low, "high_id": high,
                         "winner_id": rng.choice([low, high, None])})
        if rows:
            db.session.execute(insert(PairwiseAnswer), rows)
            db.session.execute(insert(Voter), [{"activity_id": setup["vote"], "participant_id": pid, "budget": None,
                                                "used": 0} for pid in {row["participant_id"] for row in rows}])
        db.session.commit()
        tokens = [(person.id, person.token) for person in people]
    phones = []
    for _pid, token in tokens:
        client = app.test_client()
        with client.session_transaction() as session:
            session["participants"] = {str(setup["workshop"]): token}
        phones.append([client, None])
    url = f"/p/{setup['workshop']}/vote/{setup['vote']}"
    for phone in phones:  # every phone's first pair, as the phone page shows it
        phone[1] = PAIR.search(phone[0].get(f"/p/{setup['workshop']}").text).groups()
    def answer(phone):
        left, right = phone[1]
        response = phone[0].post(url, data={"left": left, "right": right, "key": secrets.token_hex(16),
                                             "choice": rng.choice([left, right, "none"])}, headers={"HX-Request": "true"})
        assert response.status_code == 200, (response.status_code, response.text[:300])
        phone[1] = PAIR.search(response.text).groups()
    for _ in range(100):
        answer(rng.choice(phones))  # warm up
    profiler = cProfile.Profile() if args.profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for _ in range(args.answers):
        answer(rng.choice(phones))
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{args.answers} answers + next pair in-process ({args.ideas} ideas, {args.participants} people, "
          f"{args.seed_answers} answers seeded): CPU {cpu * 1000 / args.answers:.2f} ms per answer "
          f"(wall {wall * 1000 / args.answers:.2f} ms; includes the test client)")
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)


if __name__ == "__main__":
    main()
