"""Background workers of the running system: the exchange logger and the conversation scorer."""
