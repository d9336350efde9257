"""Matching service: Read models, candidates and placement requests."""
