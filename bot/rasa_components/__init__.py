"""Code that runs inside the Rasa server's environment (.venv-rasa); imports nothing of ours."""
