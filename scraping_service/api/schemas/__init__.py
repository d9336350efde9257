"""Request and response schemas of the scraping API (they also feed /openapi.json)."""
