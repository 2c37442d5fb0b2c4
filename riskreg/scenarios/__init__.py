"""Scenarios: "what if" country lists beside the official one, and the report of what they change."""
