"""Sales as the API reads them: scoped lists and summaries (R1.5)."""

from gql.services.sales.service import SalesQuery, SalesService, SalesSummary

__all__ = ["SalesQuery", "SalesService", "SalesSummary"]
