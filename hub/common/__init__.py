"""Pieces every feature uses: time helpers, error handlers, converters, settings."""
