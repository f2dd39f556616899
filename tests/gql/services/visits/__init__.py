"""Tests of gql.services.visits."""
