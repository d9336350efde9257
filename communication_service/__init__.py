"""Communication service: E-mails, phone calls, contact ledger and responses."""
