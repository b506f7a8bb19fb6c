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
