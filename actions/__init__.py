"""Kefu's custom actions and form validators for the rasa-sdk action server (thin, on crm_store)."""
