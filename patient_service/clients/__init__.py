"""Outbound HTTP of the patient service: the geocoding service and the export's peer reads."""
