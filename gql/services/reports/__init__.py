"""Decision analysis and effect evaluation (R8): reports over plans and visits.

The measures are pure functions in ``rules/``; ``service`` reads the facts within the caller's
scope and groups them; ``export`` writes report rows as CSV.
"""
