"""Kefu's CRM store: settings, models, services, migrations, demo data and CLI."""
