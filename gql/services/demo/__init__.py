"""A demo with history: weeks of plans, visits, audits and closed evaluations, all through the
services, so a newcomer's report screens start full (``visitgis demo seed``)."""
