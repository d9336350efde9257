"""Therapist service: Therapist master data, availability, capacity and blocks."""
