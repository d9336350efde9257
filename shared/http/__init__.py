"""HTTP conventions shared by every service: errors, auth, pagination, OpenAPI, health."""
