"""Plain-language sentences explaining a result ("3rd: 14 of 20 residents ...").

Everything goes through :func:`explain`, which takes a gettext-like ``_``
(identity by default) and applies it to every template at the moment it is
used. The templates are module constants marked with :func:`N_` — the
gettext convention for "extract this, translate later" — and use %-style
named placeholders, so ``pybabel extract`` (whose default keywords include
``N_``) puts them in the catalogue; the app passes its ``gettext`` and
translated group names. Numbers are formatted plainly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Translate = Callable[[str], str]

#: Two groups "agree" when their shares differ by at most this much (0..1).
AGREE_SPREAD = 0.2
#: Win chances (0..100) of groups "agree" within this many points.
AGREE_POINTS = 15.0


def N_(text: str) -> str:
    """Mark a message for extraction; it is translated where it is used."""
    return text


def identity(text: str) -> str:
    return text


# Places
ORDINAL_ST = N_("%(n)sst")
ORDINAL_ND = N_("%(n)snd")
ORDINAL_RD = N_("%(n)srd")
ORDINAL_TH = N_("%(n)sth")
JOINT = N_("joint %(place)s")
# Lists
LIST_SEPARATOR = N_(", ")
LIST_LAST = N_("%(head)s and %(last)s")
GROUP_COUNT = N_("%(n)s of %(total)s %(group)s")
WITH_CLAUSE = N_("%(main)s; %(clause)s")
#: Label of the group of participants that ``groups`` does not mention.
UNGROUPED = N_("participants")
# Comparing groups
GROUPS_AGREE = N_("%(groups)s agree")
GROUPS_ALIKE = N_("%(groups)s see it the same way")
GROUP_KEENER = N_("%(more)s are keener than %(less)s")
GROUP_RATES_HIGHER = N_("%(more)s rate it higher than %(less)s")
# Methods
DOTS = N_("%(place)s: %(who)s put dots on it")
DOTS_NONE = N_("%(place)s: nobody has put dots on it yet")
APPROVAL = N_("%(place)s: %(who)s approved it")
APPROVAL_NONE = N_("%(place)s: nobody has approved it yet")
RATING = N_("%(place)s: overall %(overall)s out of 5 from %(who)s")
RATING_NONE = N_("%(place)s: nobody has rated it yet")
QUADRANTS = {
    "quick win": N_("a quick win"),
    "big bet": N_("a big bet"),
    "fill-in": N_("a fill-in"),
    "money pit": N_("a money pit"),
}
PAIRWISE = N_(
    "%(place)s: wins %(percent)s%% of match-ups against a random other idea, "
    "from %(comparisons)s comparisons"
)
PAIRWISE_ONE = N_(
    "%(place)s: wins %(percent)s%% of match-ups against a random other idea, "
    "from 1 comparison"
)
PAIRWISE_NONE = N_("%(place)s: not compared yet")
RANKED = N_("%(place)s: %(who)s ranked it")
RANKED_NONE = N_("%(place)s: nobody ranked it")
CONDORCET = N_("it beats every other idea head to head")
AGREE = N_("%(place)s: %(who)s agree with it")
AGREE_NONE = N_("%(place)s: nobody has seen it yet")


def ordinal(n: int, _: Translate = identity) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st ..."""
    if 10 <= n % 100 <= 20:
        template = ORDINAL_TH
    else:
        template = {1: ORDINAL_ST, 2: ORDINAL_ND, 3: ORDINAL_RD}.get(n % 10, ORDINAL_TH)
    return _(template) % {"n": n}


def place(rank: int, shared: bool, _: Translate = identity) -> str:
    """"3rd", or "joint 3rd" when the rank is shared."""
    text = ordinal(rank, _)
    return _(JOINT) % {"place": text} if shared else text


def join_list(parts: Sequence[str], _: Translate = identity) -> str:
    """"a", "a and b", "a, b and c"."""
    parts = list(parts)
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return _(LIST_LAST) % {"head": _(LIST_SEPARATOR).join(parts[:-1]), "last": parts[-1]}


def _counts(groups: Sequence[tuple], _: Translate) -> str:
    """``[(group, n, total), ...]`` as "14 of 20 residents and 6 of 8 staff"."""
    template = _(GROUP_COUNT)
    return join_list(
        [template % {"n": n, "total": total, "group": group} for group, n, total in groups if total],
        _,
    )


def _share_clause(groups: Sequence[tuple], _: Translate, alike: str):
    """Compare support across groups; ``None`` with fewer than two groups or no support."""
    shares = [(group, n / total) for group, n, total in groups if total]
    if len(shares) < 2 or all(s == 0 for _g, s in shares):
        return None
    hi = max(shares, key=lambda gs: gs[1])
    lo = min(shares, key=lambda gs: gs[1])
    if hi[1] - lo[1] <= AGREE_SPREAD:
        return _(alike) % {"groups": join_list([g for g, _s in shares], _)}
    return _(GROUP_KEENER) % {"more": hi[0], "less": lo[0]}


def _with(main: str, clause, _: Translate) -> str:
    return _(WITH_CLAUSE) % {"main": main, "clause": clause} if clause else main


def explain(method: str, facts: dict, _: Translate = identity) -> str:
    """The sentence for one item of a ``method`` ranking.

    ``facts`` always has ``rank`` and ``shared`` (the rank is a tie) and
    ``groups``: ``[(group name, n, total), ...]`` where ``n`` of ``total``
    people in the group backed the item (put dots on it, approved, rated,
    ranked, agreed — for "agree", ``total`` is how many in the group saw
    it). Method extras: ``overall`` and ``quadrant`` (rating), ``percent``,
    ``comparisons`` and ``group_percent`` (pairwise), ``condorcet`` (ranked).
    """
    where = place(facts["rank"], facts.get("shared", False), _)
    groups = facts.get("groups", [])
    who = _counts(groups, _)
    backed = any(n for _g, n, _t in groups)

    if method == "dots":
        if not backed:
            return _(DOTS_NONE) % {"place": where}
        main = _(DOTS) % {"place": where, "who": who}
        return _with(main, _share_clause(groups, _, GROUPS_AGREE), _)

    if method == "approval":
        if not backed:
            return _(APPROVAL_NONE) % {"place": where}
        main = _(APPROVAL) % {"place": where, "who": who}
        return _with(main, _share_clause(groups, _, GROUPS_AGREE), _)

    if method == "rating":
        if not backed:
            return _(RATING_NONE) % {"place": where}
        main = _(RATING) % {"place": where, "overall": "%.1f" % facts["overall"], "who": who}
        quadrant = QUADRANTS.get(facts.get("quadrant"))
        return _with(main, _(quadrant) if quadrant else None, _)

    if method == "pairwise":
        comparisons = facts.get("comparisons", 0)
        if not comparisons:
            return _(PAIRWISE_NONE) % {"place": where}
        template = PAIRWISE_ONE if comparisons == 1 else PAIRWISE
        main = _(template) % {
            "place": where,
            "percent": int(round(facts["percent"])),
            "comparisons": comparisons,
        }
        per_group = facts.get("group_percent", {})
        clause = None
        if len(per_group) >= 2:
            hi = max(per_group, key=per_group.get)
            lo = min(per_group, key=per_group.get)
            if per_group[hi] - per_group[lo] <= AGREE_POINTS:
                clause = _(GROUPS_AGREE) % {"groups": join_list(list(per_group), _)}
            else:
                clause = _(GROUP_RATES_HIGHER) % {"more": hi, "less": lo}
        return _with(main, clause, _)

    if method == "ranked":
        if not backed:
            return _(RANKED_NONE) % {"place": where}
        main = _(RANKED) % {"place": where, "who": who}
        return _with(main, _(CONDORCET) if facts.get("condorcet") else None, _)

    if method == "agree":
        if not any(t for _g, _n, t in groups):
            return _(AGREE_NONE) % {"place": where}
        main = _(AGREE) % {"place": where, "who": who}
        return _with(main, _share_clause(groups, _, GROUPS_ALIKE), _)

    raise ValueError(f"unknown method {method!r}")
