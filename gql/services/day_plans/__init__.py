"""A manager's day plan (R2): which retailers, in what order, routed by ``tsp``."""
