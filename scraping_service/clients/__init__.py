"""Outbound I/O of the scraping service: the 116117 Arztsuche, its documents, the folder."""
