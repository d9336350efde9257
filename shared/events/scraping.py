"""Event schemas published by scraping_service (topic `scraping-events`)."""
