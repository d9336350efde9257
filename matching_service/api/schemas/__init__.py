"""Request and response schemas of the matching API, by area."""
