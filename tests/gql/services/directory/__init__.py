"""Tests of gql.services.directory."""
