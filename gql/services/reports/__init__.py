"""Decision analysis and effect evaluation (R8): reports over plans, visits and audits.

The measures are pure functions in ``rules/``; ``service`` reads the facts within the caller's
scope and groups them (with ``audit_report``, ``workload_report`` and ``effect_report`` for the
facts those need); ``export`` writes report rows as CSV or XLSX.
"""
