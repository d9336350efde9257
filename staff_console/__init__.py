"""The staff console: the placement office's daily work in a browser (port 8000).

It owns no patient data: every page reads and writes through the six services' APIs with a
short-lived RS256 token minted for the logged-in person. Its own schema `staff_console` holds
only the console's accounts and their login audit.
"""
