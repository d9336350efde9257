"""Use cases of the patient service: the only place (with handlers) that commits."""
