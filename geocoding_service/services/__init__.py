"""Use cases of the geocoding service: the only code in the service that commits."""
