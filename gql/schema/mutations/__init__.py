"""Mutations, one file each: ``{resource}{Action}(input)`` → payload with ``userErrors``."""
