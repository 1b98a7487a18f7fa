"""Voting methods: one module each, registered by key on import.

Part 2 adds pairwise, ranked and agree as new modules listed here.
"""
from app.activities.vote.methods import agree, approval, dots, pairwise, ranked, rating  # noqa: F401
