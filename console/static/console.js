// Kefu console: the only script. Export buttons marked data-progress download through fetch, so
// the page can count the streamed rows against the X-Report-Rows header and show progress.
"use strict";

function exportWithProgress(form, button) {
  const bar = document.getElementById("export-progress");
  const status = document.getElementById("export-status");
  const url = button.getAttribute("formaction") + "?" + new URLSearchParams(new FormData(form));
  bar.hidden = false;
  bar.value = 0;
  status.textContent = "Preparing…";
  fetch(url, { credentials: "same-origin" }).then(async (response) => {
    if (!response.ok) {
      status.textContent = "Export failed: " + (await response.text());
      return;
    }
    const total = Number(response.headers.get("X-Report-Rows") || "0");
    const reader = response.body.getReader();
    const chunks = [];
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      for (const byte of value) if (byte === 10) lines += 1;
      bar.value = total ? Math.min(1, lines / total) : 1;
      status.textContent = lines + " of " + total + " conversations";
    }
    const name = (response.headers.get("Content-Disposition") || "").split('"')[1] || "export";
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob(chunks, { type: response.headers.get("Content-Type") }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    bar.value = 1;
    status.textContent = "Done: " + total + " conversations.";
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("report-form");
  if (!form) return;
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.hasAttribute("data-progress") && window.fetch && window.ReadableStream) {
      event.preventDefault();
      exportWithProgress(form, button);
    }
  });
});

// The handoff queue: the server pushes the whole queue (server-sent events) whenever it
// changes; rows are rebuilt with textContent only, never HTML from the data.
function queueRow(item, csrf) {
  const row = document.createElement("tr");
  row.className = "queue-item " + item.status;
  row.dataset.id = item.id;
  const cell = (text) => {
    const td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  };
  const link = document.createElement("a");
  link.href = "/conversations/" + item.id;
  link.textContent = "#" + item.id;
  cell("").appendChild(link);
  cell(item.customer || "not identified");
  cell(item.channel);
  cell(item.reason || "–").className = "reason";
  cell(item.handoff_at ? item.handoff_at.replace("T", " ").slice(0, 16) : "–");
  cell(item.status === "agent" ? "with " + item.assignee : "waiting").className = "status";
  const actions = cell("");
  if (item.status === "handoff") {
    const form = document.createElement("form");
    form.method = "post";
    form.action = "/conversations/" + item.id + "/take";
    form.className = "inline take";
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = csrf;
    const button = document.createElement("button");
    button.type = "submit";
    button.textContent = "Take";
    form.append(token, button);
    actions.appendChild(form);
  }
  return row;
}

function followQueue(table) {
  const rows = document.getElementById("queue-rows");
  const empty = document.getElementById("queue-empty");
  const live = document.getElementById("queue-live");
  const source = new EventSource("/api/queue/events");
  source.addEventListener("open", () => { live.textContent = "(live)"; });
  source.addEventListener("error", () => { live.textContent = "(reconnecting…)"; });
  source.addEventListener("queue", (event) => {
    const queue = JSON.parse(event.data);
    rows.replaceChildren(...queue.map((item) => queueRow(item, table.dataset.csrf)));
    empty.hidden = queue.length > 0;
  });
}

// The reply box offers the reply of the most similar resolved conversation.
function offerSuggestion(section) {
  const box = document.getElementById("suggestion");
  const use = document.getElementById("use-suggestion");
  if (!box || !use) return;
  fetch("/api/conversations/" + section.dataset.id + "/suggestion", { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : { suggestion: null }))
    .then(({ suggestion }) => {
      if (!suggestion) return;
      box.textContent = "Suggested (from #" + suggestion.conversation_id + "): " + suggestion.text;
      box.hidden = false;
      use.hidden = false;
      use.addEventListener("click", () => {
        document.getElementById("reply-text").value = suggestion.text;
      });
    });
}

// While an agent has the conversation, the customer's new messages appear without a reload
// (read from the exchange log every few seconds; text only, never HTML).
function followTranscript(section) {
  const list = document.querySelector("ol.messages");
  if (!list || !document.getElementById("reply-form")) return;
  let shown = list.querySelectorAll("li.message").length;
  setInterval(() => {
    fetch("/api/conversations/" + section.dataset.id, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((transcript) => {
        if (!transcript) return;
        for (const message of transcript.messages.slice(shown)) {
          const item = document.createElement("li");
          item.className = "message " + message.direction;
          const meta = document.createElement("div");
          meta.className = "meta";
          meta.textContent = message.direction + (message.agent ? " (" + message.agent + ")" : "");
          const text = document.createElement("div");
          text.className = "text";
          text.textContent = message.text;
          item.append(meta, text);
          list.appendChild(item);
        }
        shown = Math.max(shown, transcript.messages.length);
      });
  }, 3000);
}

document.addEventListener("DOMContentLoaded", () => {
  const queue = document.getElementById("queue");
  if (queue) followQueue(queue);
  const handoff = document.getElementById("handoff");
  if (handoff) {
    offerSuggestion(handoff);
    followTranscript(handoff);
  }
});
