"""Pure rules of the communication service: outreach, e-mails, calls, slots, answers, labels."""
