"""Event schemas published by therapist_service (topic `therapist-events`)."""
