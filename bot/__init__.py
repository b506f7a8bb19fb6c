"""The running system: launcher, exchange logger, and the project's Rasa components."""
