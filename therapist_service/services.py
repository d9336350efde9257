"""Use cases of the therapist service: the only place (with handlers) that commits."""
