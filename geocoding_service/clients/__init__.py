"""Outbound I/O of the geocoding service: postal-code centroids, Nominatim, OSRM."""
