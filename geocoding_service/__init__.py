"""Geocoding service: Coordinates, distances and travel times."""
