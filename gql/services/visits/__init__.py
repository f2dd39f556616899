"""Check-in, check-out and offline sync (R3, R4): carrier fixes, verdicts, live events."""
