"""Tests of gql.services.audits."""
