"""Use cases of the matching service: the only place (with handlers) that commits."""
