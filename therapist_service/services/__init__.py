"""Use cases of the therapist service: the only code in the service that commits."""
