"""Use cases: testable without GraphQL; they never commit (the request boundary does)."""
