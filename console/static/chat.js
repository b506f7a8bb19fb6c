/* Kefu web chat: the customer's page (GET /chat).
 *
 * It speaks the socket.io protocol itself (Engine.IO v4, Socket.IO v5, over one WebSocket) to
 * the Rasa server's socket.io channel (bot/channels.py), so nothing is installed or loaded from
 * elsewhere: the subset a chat needs is the open/ping/pong/close packets, the namespace connect
 * with the session token, and event packets.
 *
 * The session token comes from POST /chat/session and is kept in localStorage: after a reload
 * the same conversation goes on and GET /chat/history shows it again. When the server cannot
 * be reached the page says so and reconnects with a growing delay; messages typed meanwhile
 * wait and are each sent once, when the connection is back.
 */
"use strict";

(function () {
  const root = document.getElementById("chat");
  if (!root) {
    return;
  }
  const STORE_KEY = "kefu-chat-session";
  // Renew the token when less than this is left of it (it lives a day; see console/webchat.py).
  const RENEW_BEFORE_MS = 12 * 3600 * 1000;
  const RETRY_FIRST_MS = 500;
  const RETRY_MAX_MS = 10000;
  // The typing indicator gives up if no reply comes within this time.
  const TYPING_MAX_MS = 20000;
  const OFFLINE = "We can't reach the chat server right now — reconnecting…";

  const log = document.getElementById("chat-log");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-input");
  const typing = document.getElementById("chat-typing");
  const statusLine = document.getElementById("chat-status");

  let session = stored(); // {token, session_id, socket_url, expires_at}
  let socket = null;
  let connected = false; // the namespace is joined and the session confirmed
  let refused = false; // the server refused the token: get a fresh one before retrying
  let attempt = 0; // reconnection attempts since the last connection
  let outbox = []; // messages typed while disconnected: sent once, when connected
  let watchdog = null;
  let pingWindowMs = 45000;
  let typingTimer = null;
  let retryTimer = null;

  // ---- storage: the token survives a reload (memory only if the browser refuses storage) ----

  function stored() {
    try {
      const value = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
      return value && typeof value.token === "string" ? value : null;
    } catch (error) {
      return null;
    }
  }

  function keep(value) {
    session = value;
    try {
      if (value) {
        window.localStorage.setItem(STORE_KEY, JSON.stringify(value));
      } else {
        window.localStorage.removeItem(STORE_KEY);
      }
    } catch (error) {
      /* private mode: the session lasts as long as the page */
    }
  }

  // ---- the console: session tokens and the conversation so far ----

  async function requestSession() {
    const body = session ? { token: session.token } : {};
    const response = await fetch(root.dataset.sessionUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status === 401 && session) {
      keep(null); // expired: a new conversation
      clearLog();
      return requestSession();
    }
    if (!response.ok) {
      throw new Error("session request failed: " + response.status);
    }
    keep(await response.json());
    return session;
  }

  /* A token to connect with: the stored one while it has long to live, else a renewed one.
   * If the console cannot be reached, a stored token that is still valid will do. */
  async function ensureSession(forceRenewal) {
    const left = session ? Date.parse(session.expires_at) - Date.now() : 0;
    if (session && !forceRenewal && left > RENEW_BEFORE_MS) {
      return session;
    }
    try {
      return await requestSession();
    } catch (error) {
      if (session && left > 0 && !forceRenewal) {
        return session;
      }
      throw error;
    }
  }

  /* The conversation so far, from the exchange log. With `keepLonger`, what the page shows is
   * kept when the log has fewer messages (it is written a moment after each turn). */
  async function showHistory(keepLonger) {
    const response = await fetch(root.dataset.historyUrl, {
      headers: { Authorization: "Bearer " + session.token },
      credentials: "same-origin",
    });
    if (!response.ok) {
      return;
    }
    const messages = ((await response.json()).messages || []).filter(function (m) {
      return String(m.text || "").trim() || (m.buttons && m.buttons.length);
    });
    const count = messages.reduce(
      (sum, m) => sum + (m.sender === "user" ? 1 : paragraphs(m.text).length),
      0,
    );
    if (keepLonger && count < log.querySelectorAll(".message:not(.pending)").length) {
      return;
    }
    clearLog();
    messages.forEach(function (message, index) {
      // Shown as it was live: Rasa's socket.io channel sends each paragraph of a reply apart.
      const parts = message.sender === "user" ? [message.text] : paragraphs(message.text);
      let item = null;
      parts.forEach(function (part) {
        item = addMessage(message.sender, part);
      });
      // Only the last message's buttons can still be answered.
      if (index === messages.length - 1 && message.buttons && message.buttons.length) {
        addButtons(item, message.buttons);
      }
    });
    outbox.forEach(function (message) {
      log.append(message.item); // typed while offline: still to be sent
    });
    scrollDown();
  }

  // ---- the page ----

  function paragraphs(text) {
    return String(text || "").trim().split("\n\n");
  }

  function clearLog() {
    log.replaceChildren();
  }

  function addMessage(sender, text, label) {
    const item = document.createElement("div");
    const who = ["user", "bot", "agent"].includes(sender) ? sender : "bot";
    item.className = "message " + who;
    if (who === "agent") {
      const name = document.createElement("span");
      name.className = "from";
      name.textContent = label ? label + " (our team)" : "A person from our team";
      item.append(name);
    }
    const body = document.createElement("p");
    body.textContent = text || "";
    item.append(body);
    log.append(item);
    scrollDown();
    return item;
  }

  function addButtons(item, buttons) {
    const group = document.createElement("div");
    group.className = "quick-replies";
    if (buttons.every((b) => String(b.payload).includes('"rating"'))) {
      group.classList.add("csat"); // the rating question at the end of a conversation
    }
    buttons.forEach(function (button) {
      const element = document.createElement("button");
      element.type = "button";
      element.className = "quick-reply";
      element.textContent = button.title;
      element.addEventListener("click", function () {
        say(String(button.payload), String(button.title));
      });
      group.append(element);
    });
    item.append(group);
    scrollDown();
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function retireButtons() {
    log.querySelectorAll("button.quick-reply").forEach(function (button) {
      button.disabled = true;
    });
  }

  function showTyping() {
    typing.hidden = false;
    scrollDown();
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_MAX_MS);
  }

  function hideTyping() {
    clearTimeout(typingTimer);
    typing.hidden = true;
  }

  /* The notice under the header; `data-state` on #chat says the same to tests and styles. */
  function showStatus(text) {
    statusLine.textContent = text;
    statusLine.hidden = !text;
    root.dataset.state = connected ? "connected" : text ? "offline" : "connecting";
  }

  // ---- sending: each message goes out once ----

  function say(text, shown) {
    if (!text.trim()) {
      return;
    }
    retireButtons();
    const item = addMessage("user", shown || text);
    if (connected) {
      transmit(text);
    } else {
      item.classList.add("pending");
      outbox.push({ text: text, item: item });
    }
  }

  function transmit(text) {
    emit("user_uttered", { message: text, session_id: session.session_id });
    showTyping();
  }

  function flush() {
    const waiting = outbox;
    outbox = [];
    waiting.forEach(function (message) {
      message.item.classList.remove("pending");
      transmit(message.text);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    say(text);
    input.focus();
  });

  // ---- the socket: Engine.IO v4 / Socket.IO v5 over WebSocket ----

  function socketUrl() {
    const url = new URL("/socket.io/", session.socket_url);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.search = "EIO=4&transport=websocket";
    return url.toString();
  }

  function send(packet) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(packet);
    }
  }

  function emit(event, data) {
    send("42" + JSON.stringify([event, data]));
  }

  /* No ping from the server within its announced interval + timeout: the link is dead even if
   * the browser has not noticed (a server that vanished without closing the connection). */
  function expectPing() {
    clearTimeout(watchdog);
    watchdog = setTimeout(drop, pingWindowMs);
  }

  function onEngineIO(data) {
    const type = data.charAt(0);
    if (type === "0") {
      const open = JSON.parse(data.slice(1));
      pingWindowMs = (open.pingInterval || 25000) + (open.pingTimeout || 20000);
      expectPing();
      send("40" + JSON.stringify({ token: session.token }));
    } else if (type === "2") {
      send("3");
      expectPing();
    } else if (type === "1") {
      drop();
    } else if (type === "4") {
      onSocketIO(data.slice(1));
    }
  }

  function onSocketIO(packet) {
    const type = packet.charAt(0);
    if (type === "0") {
      emit("session_request", { session_id: session.session_id });
    } else if (type === "4") {
      refused = true; // connect_error: the token was refused (expired, or a new secret)
      drop();
    } else if (type === "1") {
      drop();
    } else if (type === "2") {
      const body = packet.slice(1).replace(/^\d+/, ""); // an ack id, if any
      const [event, payload] = JSON.parse(body);
      if (event === "session_confirm") {
        onConfirmed();
      } else if (event === "bot_uttered") {
        onReply(payload || {});
      }
    }
  }

  /* Once connected, first what was said while the page was away (an agent's reply during an
   * outage, or the last turn before a reload that the exchange log had not yet written when
   * the page loaded), then what the customer typed meanwhile. */
  async function onConfirmed() {
    const confirmed = socket;
    try {
      await showHistory(true);
    } catch (error) {
      /* the console is away: the live messages go on regardless */
    }
    if (socket === confirmed) {
      onConnected(); // else dropped meanwhile: the next connection catches up
    }
  }

  function onConnected() {
    connected = true; // before showStatus: the state it shows
    attempt = 0;
    showStatus("");
    flush();
  }

  /* Who of our team wrote a reply, if a person did: the handoff marks an agent's message with
   * its name or id (at the top level, in `metadata`, or as the exchange log's kefu_agent_*). */
  function agentOf(message) {
    const metadata = message.metadata || {};
    const marks = [message, metadata];
    for (const source of marks) {
      const agent = source.agent || source.kefu_agent_name || source.kefu_agent_id;
      if (agent) {
        return typeof agent === "string" ? agent : source.agent_name || source.kefu_agent_name || true;
      }
    }
    return message.sender === "agent" ? message.agent_name || true : null;
  }

  function onReply(message) {
    hideTyping();
    const buttons = message.quick_replies || message.buttons || [];
    if (!String(message.text || "").trim() && !buttons.length && !message.attachment) {
      return; // a payload for another kind of client (Rasa's `custom`), nothing to show here
    }
    const agent = agentOf(message);
    const item = addMessage(agent ? "agent" : "bot", message.text, agent === true ? "" : agent);
    if (buttons.length) {
      addButtons(item, buttons);
    }
    const attachment = message.attachment && message.attachment.payload;
    if (attachment && /^https?:\/\//i.test(String(attachment.src))) {
      const link = document.createElement("a");
      link.href = attachment.src;
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      link.textContent = "Open the attachment";
      item.append(link);
    }
  }

  /* The connection is gone (closed, refused, or silent): say so and try again later. */
  function drop() {
    clearTimeout(watchdog);
    if (socket) {
      const old = socket;
      socket = null;
      old.onopen = old.onmessage = old.onclose = old.onerror = null;
      try {
        old.close();
      } catch (error) {
        /* already closed */
      }
    }
    connected = false;
    hideTyping();
    showStatus(OFFLINE);
    scheduleRetry();
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    // Exponential backoff with jitter, so that many pages do not return at the same instant.
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt += 1;
    retryTimer = setTimeout(connect, delay);
  }

  async function connect() {
    clearTimeout(retryTimer);
    try {
      await ensureSession(refused);
      refused = false;
    } catch (error) {
      showStatus(OFFLINE);
      scheduleRetry();
      return;
    }
    const opened = new WebSocket(socketUrl());
    socket = opened;
    expectPing(); // a server that never answers the handshake counts as gone too
    opened.onmessage = function (event) {
      if (socket !== opened || typeof event.data !== "string") {
        return;
      }
      try {
        onEngineIO(event.data);
      } catch (error) {
        drop(); // a packet this page cannot read: start afresh rather than half-connected
      }
    };
    opened.onclose = function () {
      if (socket === opened) {
        drop();
      }
    };
  }

  async function start() {
    try {
      await ensureSession(Boolean(session)); // renew on every visit: a day from the last one
      await showHistory();
    } catch (error) {
      showStatus(OFFLINE);
    }
    if (session) {
      connect();
    } else {
      scheduleRetry();
    }
  }

  start();
})();
