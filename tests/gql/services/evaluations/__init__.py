"""Tests of gql.services.evaluations."""
