"""A demo with history, written through the services (``visitgis demo seed``).

Weeks of plans, visits, audits and closed evaluations, so a newcomer's report screens start full.
"""
