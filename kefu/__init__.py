"""The running system on the app side (.venv): the one settings loader, the launcher and its
child processes, the Rasa model cache, the chat shell and the background workers."""
