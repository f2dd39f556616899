"""GraphQL object types, each built from a domain dataclass by an explicit ``from_domain``."""
