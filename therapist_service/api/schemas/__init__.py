"""Request and response schemas of the therapist API (they also feed /openapi.json)."""
