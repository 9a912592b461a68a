"""Turning computed deadlines into what people and scripts read: rich tables, JSON text."""
