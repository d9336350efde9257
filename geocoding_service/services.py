"""Use cases of the geocoding service: the only place (with handlers) that commits."""
