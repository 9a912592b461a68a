"""Export of computed deadlines to calendar apps (RFC 5545)."""
