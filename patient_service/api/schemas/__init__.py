"""Request and response schemas of the patient API (they also feed /openapi.json)."""
