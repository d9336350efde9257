"""Pure rules of the scraping service (standard library only)."""
