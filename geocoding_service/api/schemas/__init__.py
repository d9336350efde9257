"""Request and response schemas of the geocoding API (they also feed /openapi.json)."""
