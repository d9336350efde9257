"""Event schemas published by geocoding_service (topic `geocoding-events`); filled in by its issue."""
