"""Tandem's ranking engine: every score a phone, the projector, the CSV or the PDF shows.

Pure Python and numpy; imports neither Flask nor SQLAlchemy.

Building blocks (items are strings; a ranked ballot is ``(count, ranking)``
where ``ranking`` lists items, or collections of items tied at one place,
best first, and items left out rank below all it names, tied):

* :func:`pairwise_counts`, :func:`schulze`, :func:`ranked_pairs`,
  :func:`kemeny` (:mod:`.condorcet`); :func:`borda` (:mod:`.positional`)
* :func:`bradley_terry`, :func:`win_chance` (:mod:`.bradley_terry`)
* :func:`wilson_lower_bound`, :func:`bayesian_average`,
  :func:`group_consensus`, :func:`maxdiff_counts` (:mod:`.stats`)

Scoring an activity's votes into a :class:`Ranking` of :class:`Scored` rows
(:mod:`.methods`): :func:`score_dots`, :func:`score_approval`,
:func:`score_rating`, :func:`score_pairwise`, :func:`score_ranked`,
:func:`score_agree`; and :func:`next_pair` (:mod:`.pairs`) for pairwise
voting (with :class:`PairCounts`, the same draw for a room whose
comparisons grow answer by answer). Sentences come from :func:`explain`
(:mod:`.why`).
"""

from .bradley_terry import bradley_terry, win_chance
from .condorcet import kemeny, pairwise_counts, ranked_pairs, schulze
from .feelings import Feelings, feeling_curves
from .methods import (
    Criterion,
    score_agree,
    score_approval,
    score_dots,
    score_pairwise,
    score_ranked,
    score_rating,
)
from .pairs import PairCounts, next_pair
from .positional import borda
from .scored import Ranking, Scored
from .stats import bayesian_average, group_consensus, maxdiff_counts, wilson_lower_bound
from .why import explain

__all__ = [
    "Criterion",
    "Feelings",
    "PairCounts",
    "Ranking",
    "Scored",
    "bayesian_average",
    "borda",
    "bradley_terry",
    "explain",
    "feeling_curves",
    "group_consensus",
    "kemeny",
    "maxdiff_counts",
    "next_pair",
    "pairwise_counts",
    "ranked_pairs",
    "schulze",
    "score_agree",
    "score_approval",
    "score_dots",
    "score_pairwise",
    "score_ranked",
    "score_rating",
    "wilson_lower_bound",
    "win_chance",
]
