"""Outcome-pack benchmark: how long the PDF takes, and how much of that is Tandem rather than WeasyPrint.

Two workshops are built on a fresh SQLite database through the domain
functions (join, add_card, rate_phase, add_idea, cast_vote):

* small: 40 ideas, 300 journey cards, 200 participants (dots + rating votes);
* large: 500 ideas, 3,000 journey cards, 600 participants.

For each, in the same run:

* pack: `pack_pdf(use_cache=False)` — gather the data, render the HTML, and
  the time-bounded child process that runs WeasyPrint (as a download does);
* html: `pack_html` alone (Tandem's gathering and templates);
* weasyprint: `write_pdf(html)` in this process on the same HTML (WeasyPrint alone);
* overhead = pack / weasyprint - 1 (best of --rounds, taken in turns); pages; peak memory (this process, which ran
  WeasyPrint in-process, and the renderer children).

    .venv/bin/python bench/pack.py             # both sizes
    .venv/bin/python bench/pack.py --only small --profile

Goal (issue 7): the small pack under 3 s on this machine, overhead under 20%.
Other processes share the machine: the load average is printed beside the figures.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = {"small": (40, 300, 200), "large": (500, 3000, 600)}
WORDS = ("form wait phone letter visit help team school family parent support council library queue "
         "nurse advice money housing worry call website office evening weekend translate").split()


def load() -> str:
    return "load avg %.2f %.2f %.2f" % os.getloadavg()


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return (" ".join(words)).capitalize()


def build(app, ideas: int, cards: int, people: int, seed: int = 1) -> int:
    from werkzeug.datastructures import MultiDict

    from app.activities.ideas import add_idea
    from app.activities.journey import map as journey
    from app.activities.vote.core import VoteRefused, cast_vote, new_key
    from app.auth.accounts import create_user
    from app.demo import _add_activity
    from app.extensions import db
    from app.participants.joining import join
    from app.workshops.services import create_from_recipe, move_to, set_state, start

    rng = random.Random(seed)
    with app.test_request_context():
        user = create_user(f"bench{seed}-{ideas}@example.org", "Bench", "x" * 12, "Bench Council")
        workshop = create_from_recipe(user, app.extensions["tandem_recipes"]["family-support"])
        workshop.title = f"Bench: {ideas} ideas, {cards} cards, {people} people"
        start(workshop)
        groups = [g["key"] for g in workshop.groups]
        participants = [join(workshop, rng.choice(groups)) for _ in range(people)]
        db.session.flush()
        by_kind = {a.kind: a for a in workshop.activities}
        activity = by_kind["journey"]
        move_to(workshop, activity)
        phases, lanes = journey.parts(activity, "phase"), journey.parts(activity, "lane")
        for index in range(cards):
            journey.add_card(activity, participants[index % people], rng.choice(phases).id, rng.choice(lanes).id,
                             sentence(rng, rng.randint(4, 14)))
        for person in participants:
            for position, phase in enumerate(phases):
                journey.rate_phase(activity, person, phase.id, max(-2, min(2, round(rng.gauss(-0.3, 1.1)))))
        set_state(activity, "revealed")
        activity = by_kind["ideas"]
        move_to(workshop, activity)
        made = [add_idea(activity, participants[i % people], sentence(rng, rng.randint(5, 12)),
                         sentence(rng, rng.randint(0, 20))) for i in range(ideas)]
        set_state(activity, "revealed")
        dots = by_kind["vote"]
        rating = _add_activity(workshop, "vote", "Impact and effort", {"method": "rating"}, dots)
        for vote, method in ((dots, "dots"), (rating, "rating")):
            move_to(workshop, vote)
            for person in participants:
                for idea in rng.sample(made, min(5 if method == "dots" else 4, len(made))):
                    form = {"idea": str(idea.id), "change": "1"} if method == "dots" else \
                        {"idea": str(idea.id), "c0": str(rng.randint(1, 5)), "c1": str(rng.randint(1, 5))}
                    try:
                        with db.session.begin_nested():
                            cast_vote(vote, person, MultiDict({"key": new_key(), **form}))
                    except VoteRefused:
                        pass
            set_state(vote, "revealed")
        db.session.commit()
        return workshop.id


def measure(app, workshop_id: int, profile: bool, rounds: int) -> dict:
    """Best of `rounds` for the pack and for WeasyPrint alone, taken in turns (the machine's load drifts)."""
    from pypdf import PdfReader

    from app.extensions import db
    from app.models import Workshop
    from app.reports import pack, pdf

    with app.test_request_context():
        started = time.perf_counter()
        pack.cache_key(db.session.get(Workshop, workshop_id), "A4")
        key = time.perf_counter() - started
    with app.test_request_context():
        started = time.perf_counter()
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        html = pack.pack_html(db.session.get(Workshop, workshop_id))
        if profiler:
            profiler.disable()
        gather = time.perf_counter() - started
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
        print(out.getvalue())
    with app.test_request_context():
        pack.pack_pdf(db.session.get(Workshop, workshop_id), use_cache=False)  # warms the renderer child
    pdf.write_pdf(html)  # warms this process's WeasyPrint (imports, fonts)
    wholes, weasys = [], []
    for _round in range(rounds):
        with app.test_request_context():
            started = time.perf_counter()
            data = pack.pack_pdf(db.session.get(Workshop, workshop_id), use_cache=False)
            wholes.append(time.perf_counter() - started)
        started = time.perf_counter()
        alone = pdf.write_pdf(html).pdf
        weasys.append(time.perf_counter() - started)
    whole, weasy = min(wholes), min(weasys)
    return {
        "pack": whole, "html": gather, "key": key, "weasyprint": weasy, "overhead": whole / weasy - 1,
        "pages": len(PdfReader(io.BytesIO(data)).pages), "pages_alone": len(PdfReader(io.BytesIO(alone)).pages),
        "kib": len(data) // 1024, "html_kib": len(html.encode()) // 1024,
        "all": (wholes, weasys),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=sorted(SIZES))
    parser.add_argument("--profile", action="store_true", help="profile Tandem's part (gathering and HTML)")
    parser.add_argument("--rounds", type=int, default=2, help="best of N, pack and WeasyPrint in turns")
    args = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="tandem-bench-pack-")
    os.environ["TANDEM_INSTANCE"] = instance
    from flask_migrate import upgrade

    from app import create_app

    app = create_app()
    with app.app_context():
        upgrade()
    print(f"Outcome pack benchmark ({load()})")
    for name, (ideas, cards, people) in SIZES.items():
        if args.only and name != args.only:
            continue
        started = time.perf_counter()
        workshop_id = build(app, ideas, cards, people)
        print(f"\n{name}: {ideas} ideas, {cards} cards, {people} participants "
              f"(built in {time.perf_counter() - started:.1f} s)")
        result = measure(app, workshop_id, args.profile, args.rounds)
        print(f"  pack (gather + HTML + renderer process): {result['pack']:.2f} s   "
              f"{result['pages']} pages, {result['kib']} KiB")
        print(f"  of which Tandem's HTML:                  {result['html']:.2f} s   ({result['html_kib']} KiB of HTML)")
        print(f"  of which the cache key (JSON export):    {result['key']:.2f} s")
        print(f"  WeasyPrint alone, same HTML:             {result['weasyprint']:.2f} s   "
              f"({result['pages_alone']} pages)")
        print(f"  Tandem's overhead: {result['overhead'] * 100:+.0f}%   ({load()})")
        wholes, weasys = result["all"]
        print("  every round: pack " + ", ".join(f"{t:.2f}" for t in wholes)
              + " s; WeasyPrint " + ", ".join(f"{t:.2f}" for t in weasys) + " s")
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"\npeak memory: this process {peak_self} MiB (WeasyPrint in-process), renderer child {peak_children} MiB")


if __name__ == "__main__":
    main()
