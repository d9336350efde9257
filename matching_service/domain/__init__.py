"""Pure matching rules: criteria, ranking, request states, and the numpy candidate engine."""
