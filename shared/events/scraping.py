"""Event schemas published by scraping_service (topic `scraping-events`); filled in by its issue."""
