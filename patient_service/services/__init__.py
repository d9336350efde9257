"""Use cases of the patient service: the only code in the service that commits."""
