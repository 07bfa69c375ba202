"""Linked-data publisher for the innovation clusters of the Kraków Metropolitan Area."""

__version__ = "0.1.0"
