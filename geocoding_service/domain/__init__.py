"""Pure rules of the geocoding service: addresses, locations, distances, travel, the cache."""
