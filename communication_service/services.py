"""Use cases of the communication service: the only place (with handlers) that commits."""
