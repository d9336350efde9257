"""Pure rules of the patient service: lifecycle, search readiness, dates, changes, erasure."""
