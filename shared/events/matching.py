"""Event schemas published by matching_service (topic `matching-events`)."""
