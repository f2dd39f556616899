"""Scores and evaluation (考评, R7): events, closed periods, amendments, goals.

The pure rules are in ``rules/``.
"""
