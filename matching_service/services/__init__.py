"""Use cases of the matching service: the only code in it that commits."""
