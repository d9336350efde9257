"""Event schemas published by communication_service (topic `communication-events`)."""
