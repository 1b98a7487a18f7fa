"""The activity kinds a workshop agenda can hold, in the usual order of a session.

Plain names only (no Flask) so recipe validation can use them anywhere.
"""
KINDS = ("welcome", "journey", "ideas", "vote", "results", "pledge", "reflect")

VOTE_METHODS = ("dots", "approval", "rating", "pairwise", "ranked", "agree")
