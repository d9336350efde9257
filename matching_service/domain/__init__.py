"""Pure matching rules (standard library only): criteria, ranking, request states."""
