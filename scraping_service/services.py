"""Use cases of the scraping service: the only place (with handlers) that commits."""
