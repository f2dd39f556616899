"""Territory and schedule proposals (R6): partition, then route; rules in ``rules/``."""
