"""Outbound I/O of the communication service: contact data over HTTP, SMTP, Jinja2 templates."""
