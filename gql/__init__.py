"""visitgis service: GraphQL API, use cases, persistence and app wiring."""
