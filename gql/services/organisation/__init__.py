"""Organisation and people (R1.1, R1.2): departments, staff, account managers, the change log."""
