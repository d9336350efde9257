"""Use cases of the communication service: the only code in the service that commits."""
