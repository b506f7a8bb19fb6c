"""The console: an aiohttp web app where agents review conversations and admins read reports."""
