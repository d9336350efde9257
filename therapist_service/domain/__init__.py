"""Pure rules of the therapist service: offers, source fields, lifecycle, geometry, contacts."""
