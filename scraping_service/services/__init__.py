"""Use cases of the scraping service: the only code in the service that commits."""
