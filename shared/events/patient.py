"""Event schemas published by patient_service (topic `patient-events`); filled in by its issue."""
