"""Patient service: Patients, consents and their lifecycle."""
