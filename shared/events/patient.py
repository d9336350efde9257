"""Event schemas published by patient_service (topic `patient-events`)."""
