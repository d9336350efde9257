"""Scraping service: Imports therapists from the 116117 Arztsuche."""
