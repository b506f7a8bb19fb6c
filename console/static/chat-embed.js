/* Kefu web chat on a shop's own site: a "Chat with us" button that opens the chat in a panel.
 *
 *   <script src="https://support.shop.example/static/chat-embed.js" defer></script>
 *
 * The panel is an iframe of the console's /chat page, so the chat keeps its own origin, its
 * token and its policy; the shop's origin must be in KEFU_CHAT_ORIGINS (README, "Web chat").
 * Nothing else is loaded; the shop's page and the chat cannot read each other's data.
 */
"use strict";

(function () {
  const script = document.currentScript;
  if (!script || document.getElementById("kefu-chat-launcher")) {
    return;
  }
  const chatUrl = new URL("/chat", script.src).toString();
  const label = script.dataset.label || "Chat with us";

  const panel = document.createElement("iframe");
  panel.id = "kefu-chat-panel";
  panel.title = label;
  panel.src = "about:blank";
  panel.setAttribute(
    "style",
    "position:fixed;right:20px;bottom:84px;width:min(380px,calc(100vw - 40px));" +
      "height:min(600px,calc(100vh - 120px));border:0;border-radius:12px;" +
      "box-shadow:0 8px 32px rgba(0,0,0,.25);background:#fff;z-index:2147483646;display:none",
  );

  const button = document.createElement("button");
  button.id = "kefu-chat-launcher";
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute(
    "style",
    "position:fixed;right:20px;bottom:20px;padding:12px 20px;border:0;border-radius:24px;" +
      "background:#1f4e79;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;" +
      "box-shadow:0 4px 16px rgba(0,0,0,.2);z-index:2147483647",
  );
  button.addEventListener("click", function () {
    const opening = panel.style.display === "none";
    if (opening && panel.src === "about:blank") {
      panel.src = chatUrl; // loaded on first use: no socket for visitors who never chat
    }
    panel.style.display = opening ? "block" : "none";
    button.setAttribute("aria-expanded", String(opening));
  });

  document.body.append(panel, button);
})();
