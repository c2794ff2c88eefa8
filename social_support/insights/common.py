"""Only surveys/lifecycle.py still imports from here (agent_of): it goes once that import names
insights.filters.first_assignee. Reports use insights.filters, insights.columns and
insights.business_hours."""

from .filters import first_assignee as agent_of

__all__ = ["agent_of"]
