"""A realistic simulated workshop run, for the demo and for tests of the outcome pack.

`simulate(workshop, participants, seed)` goes through the agenda the way a
room would, with the same domain functions the phones and the facilitator
use (never raw SQL): people join in every group, map the journey and say
how each step feels, put forward ideas, vote (dots, a rating vote, and a
pairwise vote when that method exists), pledge when the pledge activity can
record pledges, and the facilitator merges, hides and edits a few items.
Deterministic for a given seed. The caller commits.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from app.activities import created, get_kind
from app.extensions import db
from app.models import Activity, Workshop

CARDS = {
    "en": {
        "Doing": ["Searches online at night", "Asks other parents at the school gate", "Phones the council",
                  "Fills in the same form again", "Waits for a call back", "Goes to the GP first"],
        "Pain points": ["Nobody says how long the wait is", "Told to ring another number", "Forms only in English",
                        "Has to tell the story again and again", "Opening hours clash with work",
                        "Letters full of jargon"],
        "What works well": ["The health visitor listened", "Drop-in at the library", "A named contact person",
                            "Text reminders before appointments", "Peer support group"],
        "Thinking and feeling": ["Worried about being judged", "Relieved someone listened", "Feels lost",
                                 "Afraid of losing the place in the queue"],
    },
    "hu": {
        "Doing": ["Éjszaka keresgél az interneten", "Más szülőket kérdez az iskolakapuban", "Felhívja az önkormányzatot",
                  "Újra kitölti ugyanazt az űrlapot", "Visszahívásra vár"],
        "Pain points": ["Senki sem mondja meg, meddig kell várni", "Egy másik számot kell hívni",
                        "Újra és újra el kell mondani a történetet", "A nyitvatartás ütközik a munkával"],
        "What works well": ["A védőnő meghallgatott", "Nyitott délelőtt a könyvtárban", "Egy megnevezett kapcsolattartó"],
        "Thinking and feeling": ["Fél, hogy megítélik", "Megkönnyebbült, hogy meghallgatták", "Elveszettnek érzi magát"],
    },
}
IDEAS = {
    "en": ["One phone number for every kind of family help", "Tell families how long the wait is, every week",
           "A single form that follows the family", "Evening and Saturday drop-ins at the library",
           "A named contact from the first call", "Peer mentors: parents who have been there",
           "Plain-language letters, tested with parents", "Text updates while you wait",
           "Translate the key forms into the five main community languages",
           "A map of local support on one page", "Training for front-line staff on listening without judging",
           "Follow-up call a month after support ends"],
    "hu": ["Egyetlen telefonszám minden családi segítséghez", "Hetente mondjuk meg, mennyi a várakozási idő",
           "Egyetlen űrlap, amely követi a családot", "Esti és szombati nyitvatartás a könyvtárban",
           "Megnevezett kapcsolattartó az első hívástól", "Tapasztalt szülők mentorálnak",
           "Érthető levelek, szülőkkel kipróbálva", "SMS-értesítés várakozás közben",
           "A helyi segítségek térképe egy oldalon", "Utánkövető hívás egy hónappal később"],
}
PLEDGES = ["Two hours a month to test letters", "Can host a drop-in at the community centre",
           "I can translate into Polish", "Happy to mentor another parent", "Can share the school newsletter"]


@dataclass
class Simulated:
    people: list = field(default_factory=list)
    cards: int = 0
    ideas: int = 0
    votes: dict = field(default_factory=dict)
    pledges: int = 0


def _add_activity(workshop: Workshop, kind_key: str, title: str, config: dict, after: Activity | None) -> Activity:
    """A new activity right after `after` in the agenda (at the end without one)."""
    kind = get_kind(kind_key)
    position = after.position + 1 if after is not None else len(workshop.activities)
    for other in workshop.activities:
        if other.position >= position:
            other.position += 1
    activity = Activity(workshop_id=workshop.id, position=position, kind=kind_key, title=title,
                        config={**kind.default_config, **config})
    db.session.add(activity)
    db.session.flush()
    db.session.expire(workshop, ["activities"])
    created(activity)
    return activity


def _vote(activity, person, form) -> bool:
    from app.activities.vote.core import VoteRefused, cast_vote, new_key

    pairs = list(form.items()) if isinstance(form, dict) else list(form)
    try:
        with db.session.begin_nested():
            cast_vote(activity, person, MultiDict([("key", new_key()), *pairs]))
        return True
    except VoteRefused:
        return False


def simulate(workshop: Workshop, participants: int = 30, seed: int = 1, user_id: int | None = None,
             methods: list[str] | None = None) -> Simulated:
    from app.activities import ideas as ideas_kind
    from app.activities.journey import map as journey
    from app.activities.vote.core import METHODS, ranked_ideas
    from app.participants.joining import join
    from app.workshops.services import move_to, set_state, start

    rng = random.Random(seed)
    language = "hu" if workshop.language == "hu" else "en"
    done = Simulated()
    if workshop.status != "live":
        start(workshop)
    groups = [g["key"] for g in workshop.groups]
    for index in range(participants):
        group = groups[index % len(groups)] if index < len(groups) else rng.choice(groups)
        done.people.append(join(workshop, group, language=workshop.language))
    db.session.flush()
    # Each group sees the journey a little differently: that is what the perception gaps show.
    mood = {group: rng.uniform(-0.8, 0.8) for group in groups}

    by_kind = lambda key: [a for a in workshop.activities if a.kind == key]  # noqa: E731
    for activity in by_kind("journey"):
        move_to(workshop, activity)
        phases, lanes = journey.parts(activity, "phase"), journey.parts(activity, "lane")
        lane_texts = CARDS[language]
        for person in done.people:
            for _ in range(rng.randint(1, 3)):
                lane = rng.choice(lanes)
                texts = lane_texts.get(lane.name) or lane_texts[rng.choice(list(lane_texts))]
                journey.add_card(activity, person, rng.choice(phases).id, lane.id, rng.choice(texts))
                done.cards += 1
            for position, phase in enumerate(phases):
                base = -1.4 if 1 <= position <= 3 else 0.6  # the middle of the journey hurts
                value = round(base + mood[person.group_key] + rng.gauss(0, 0.8))
                journey.rate_phase(activity, person, phase.id, max(-2, min(2, value)))
        db.session.flush()
        cards = [c for c in journey.all_cards(activity)]
        same = {}
        for card in cards:  # the facilitator merges duplicates (same text in the same cell)
            key = (card.phase_id, card.lane_id, card.text)
            if key in same and card.merged_into_id is None:
                journey.merge_cards(activity, card, same[key].id, user_id)
            else:
                same.setdefault(key, card)
        if cards:
            journey.set_hidden(activity, cards[-1], True, user_id)
            first = cards[0]
            journey.moderate_text(activity, first, first.text + ".", user_id)
        set_state(activity, "revealed")

    phase_ids = []
    for activity in by_kind("journey")[:1]:
        phase_ids = [p.id for p in journey.parts(activity, "phase")]
    for activity in by_kind("ideas"):
        move_to(workshop, activity)
        texts = IDEAS[language]
        made = []
        for number, text in enumerate(texts):
            person = done.people[number % len(done.people)] if done.people else None
            link = f"phase-{rng.choice(phase_ids)}" if phase_ids and rng.random() < 0.7 else None
            idea = ideas_kind.add_idea(activity, person, text, link=link)
            made.append(idea)
            done.ideas += 1
        duplicate = ideas_kind.add_idea(activity, done.people[-1] if done.people else None, texts[0].lower())
        ideas_kind.merge_ideas(duplicate, made[0], user_id=user_id)
        off_topic = ideas_kind.add_idea(activity, done.people[0] if done.people else None,
                                        "Free parking for everyone" if language == "en" else "Ingyenes parkolás")
        ideas_kind.set_hidden(off_topic, True, user_id=user_id)
        set_state(activity, "revealed")
    db.session.flush()

    votes = by_kind("vote")
    wanted = [m for m in (methods or ["dots", "pairwise", "rating"]) if m in METHODS]
    while len(votes) < len(wanted):
        method = wanted[len(votes)]
        titles = {"dots": "Which ideas matter most?", "rating": "Impact and effort",
                  "pairwise": "Which of two is better?", "approval": "Which ideas could you support?"}
        votes.append(_add_activity(workshop, "vote", titles[method], {"method": method},
                                   votes[-1] if votes else None))
    ideas = ranked_ideas(votes[0]) if votes else []
    appeal = {idea.id: rng.random() for idea in ideas}
    for activity, method in zip(votes, wanted):
        if activity.config.get("method") != method:
            activity.config = {**activity.config, "method": method}
        move_to(workshop, activity)
        count = 0
        for person in done.people:
            liked = sorted(ideas, key=lambda i: appeal[i.id] + rng.gauss(0, 0.35), reverse=True)
            if method == "dots":
                for idea in liked[:4]:
                    count += _vote(activity, person, {"idea": str(idea.id), "change": "1"})
                count += _vote(activity, person, {"idea": str(liked[0].id), "change": "1"})
            elif method == "approval":
                count += _vote(activity, person, [("approve", str(idea.id)) for idea in liked[:rng.randint(2, 5)]])
            elif method == "rating":
                for idea in rng.sample(liked, min(6, len(liked))):
                    impact = max(1, min(5, round(1 + 4 * appeal[idea.id] + rng.gauss(0, 0.7))))
                    ease = max(1, min(5, round(3 + rng.gauss(0, 1.2))))
                    count += _vote(activity, person, {"idea": str(idea.id), "c0": str(impact), "c1": str(ease)})
            elif method == "pairwise":
                for _ in range(6):
                    a, b = rng.sample(ideas, 2)
                    winner = a if appeal[a.id] + rng.gauss(0, 0.3) > appeal[b.id] else b
                    count += _vote(activity, person, {"left": str(a.id), "right": str(b.id),
                                                      "choice": str(winner.id)})
        done.votes[method] = count
        set_state(activity, "revealed")

    for activity in by_kind("results"):
        set_state(activity, "revealed")
    done.pledges = _pledges(workshop, by_kind("pledge"), done.people, ideas, rng)
    for activity in by_kind("reflect"):
        from app.models import ReflectResponse

        move_to(workshop, activity)
        for person in done.people[: max(1, len(done.people) * 2 // 3)]:
            db.session.add(ReflectResponse(activity_id=activity.id, participant_id=person.id,
                                           rating=rng.choice((3, 4, 4, 5, 5)), comment=""))
        set_state(activity, "revealed")
    db.session.flush()
    return done


def _pledges(workshop, activities, people, ideas, rng) -> int:
    """Pledges through the pledge activity's own domain function, when it has one (a later feature)."""
    try:
        from app.activities import pledge
    except ImportError:  # pragma: no cover
        return 0
    save = getattr(pledge, "save_pledge", None)
    if save is None or not ideas:
        return 0
    from app.workshops.services import move_to, set_state

    made = 0
    for activity in activities:
        move_to(workshop, activity)
        top = pledge.pledge_ideas(activity)[:5] or ideas[:5]
        for person in people[: max(1, len(people) // 2)]:
            save(activity, person, rng.choice(top), rng.choice((1, 2, 2, 4, 8)), rng.choice(PLEDGES), False)
            made += 1
        set_state(activity, "revealed")
    return made
