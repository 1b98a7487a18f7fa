"""Voting methods: one module each, registered by key on import.

Part 2 adds pairwise, ranked and agree as new modules listed here.
"""
from app.activities.vote.methods import approval, dots, rating  # noqa: F401
