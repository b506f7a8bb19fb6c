"""`python -m kefu shell`: chat with the running bot in a terminal, through the REST channel."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid


def send(
    rasa_url: str, sender: str, text: str, token: str, timeout: float = 30.0
) -> list[dict[str, object]]:
    """Send one message to the REST webhook (with its bearer token); return the bot's replies."""
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return list(json.load(reply))


def render(reply: dict[str, object]) -> str:
    lines = [str(reply.get("text", ""))] if reply.get("text") else []
    for number, button in enumerate(reply.get("buttons") or [], start=1):  # type: ignore[arg-type]
        lines.append(f"  {number}: {button.get('title')}")
    return "\n".join(lines)


def chat(rasa_url: str, token: str) -> int:
    sender = f"shell-{uuid.uuid4().hex[:8]}"
    print(
        f"Chatting as {sender}. Type a message; a button's number picks it; /stop or Ctrl-D ends."
    )
    buttons: list[dict[str, str]] = []
    while True:
        try:
            text = input("Your input -> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text == "/stop":
            return 0
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        try:
            replies = send(rasa_url, sender, text, token)
        except (urllib.error.URLError, OSError) as error:
            print(f"Cannot reach the bot at {rasa_url} ({error}). Is `make run` running?")
            return 1
        buttons = []
        for reply in replies:
            print(render(reply))
            buttons.extend(reply.get("buttons") or [])  # type: ignore[arg-type]
