"""Aggregation of scored records into a report, and its renderers (JSON is the source of truth)."""
