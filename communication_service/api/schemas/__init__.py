"""Request and response schemas of the communication API (they also feed /openapi.json)."""
