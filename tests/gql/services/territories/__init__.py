"""Tests of gql.services.territories."""
