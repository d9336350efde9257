"""Event schemas published by matching_service (topic `matching-events`); filled in by its issue."""
