"""Request handlers, one module per job; each reads its input, calls services, renders."""
