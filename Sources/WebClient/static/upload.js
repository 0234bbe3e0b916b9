// Upload: drag and drop or pick several files; per file an upload bar, then the document's ingestion
// job followed stage by stage (reading, keyword index, embeddings with progress), cancel, and clear messages for the wrong type, too large, password-protected and more.
import { api, requireSession, renewOrSignIn, authHeaders, syncProfile, errorFrom, el, formatBytes, plural } from "./app.js";

requireSession();
syncProfile().catch(() => {});

const maxBytes = Number(document.body.dataset.maxUploadBytes);
const maxLabel = document.body.dataset.maxUploadLabel;
const ACCEPTED = /\.(pdf|docx|html?|md|markdown|txt|text|log|csv|json|png|jpe?g|tiff?)$/i;
const PARALLEL = 2;
const queue = [];
let running = 0;

const MESSAGES = {
  unsupported_format: "This type of file is not supported. Upload a PDF, Word (.docx), HTML, Markdown or text file, or a scan (PNG, JPEG, TIFF).",
  unsupported_media_type: "This type of file is not supported. Upload a PDF, Word (.docx), HTML, Markdown or text file, or a scan (PNG, JPEG, TIFF).",
  file_too_large: `This file is larger than the ${maxLabel} limit.`,
  password_protected: "This document is password-protected. Remove the password (or print it to a new PDF) and upload it again.",
  no_text: "No text could be found in this file, not even by reading its pages as images (OCR). Is it a blank scan?",
  ocr_failed: "The pages of this scan could not be read (OCR failed).",
  unreadable: "This file is damaged or not what its name says, so it could not be read.",
  empty_file: "This file is empty.",
  archive_limit_exceeded: "This Word file expands to far more data than a document should, so it was refused.",
  too_many_pages: "This document has more pages than this server accepts.",
  extraction_timeout: "Reading this file took too long, so it was stopped.",
};

class UploadItem {
  constructor(file) {
    this.file = file;
    this.state = "queued";
    this.bar = el("progress", { max: "100", value: "0", "aria-label": `Progress of ${file.name}` });
    this.status = el("p", { class: "upload-status", "aria-live": "polite" }, "Waiting…");
    this.actions = el("div", { class: "row-actions" });
    this.node = el("li", { class: "upload-item", dataset: { name: file.name } },
      el("div", { class: "upload-head" },
        el("span", { class: "upload-name" }, file.name),
        el("span", { class: "muted small" }, formatBytes(file.size))),
      this.bar, this.status, this.actions);
    this.setActions([["Cancel", () => this.cancel(), "subtle"]]);
  }

  setActions(actions) {
    this.actions.replaceChildren(...actions.map(([label, action, style, href]) => href
      ? el("a", { class: `button small ${style || ""}`, href }, label)
      : el("button", { type: "button", class: `button small ${style || ""}`, onclick: action }, label)));
  }

  say(text, kind = "") {
    this.status.textContent = text;
    this.status.className = "upload-status " + kind;
    this.node.dataset.state = this.state;
  }

  fail(message) {
    this.state = "failed";
    this.bar.classList.add("failed");
    this.bar.value = 100;
    this.say(message, "error");
    this.setActions([["Remove", () => this.node.remove(), "subtle"]]);
  }

  cancel() {
    if (this.xhr) this.xhr.abort();
    this.stopped = true;
    if (this.state === "queued") queue.splice(queue.indexOf(this), 1);
    this.state = "cancelled";
    this.say("Cancelled. Nothing was stored.");
    this.setActions([["Remove", () => this.node.remove(), "subtle"]]);
  }

  precheck() {
    if (this.file.size === 0) return MESSAGES.empty_file;
    if (this.file.size > maxBytes) return `This file is ${formatBytes(this.file.size)}, larger than the ${maxLabel} limit.`;
    if (!ACCEPTED.test(this.file.name) && !/^(text\/|application\/pdf|image\/(png|jpeg|tiff))/.test(this.file.type)) return MESSAGES.unsupported_format;
    return null;
  }

  /** Sends the file with XMLHttpRequest (fetch has no upload progress) and resolves with the document. */
  send(retry = true, allowDuplicate = false) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      this.xhr = xhr;
      xhr.open("POST", allowDuplicate ? "/v1/documents?allowDuplicate=true" : "/v1/documents");
      for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
      xhr.upload.addEventListener("progress", (event) => {
        if (!event.lengthComputable) return;
        const percent = Math.round((event.loaded / event.total) * 100);
        this.bar.value = percent;
        this.say(percent < 100 ? `Uploading… ${percent}%` : "Checking the file…");
        if (percent >= 100) this.bar.removeAttribute("value");
      });
      xhr.addEventListener("load", async () => {
        const response = new Response(xhr.responseText, { status: xhr.status, headers: { "Content-Type": "application/json" } });
        if (xhr.status === 401 && retry) {
          try { await renewOrSignIn(); return resolve(await this.send(false, allowDuplicate)); } catch (error) { return reject(error); }
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText));
        else reject(await errorFrom(response));
      });
      xhr.addEventListener("error", () => reject(new Error("The connection was lost during the upload. Try again.")));
      xhr.addEventListener("abort", () => reject(Object.assign(new Error("cancelled"), { name: "AbortError" })));
      const form = new FormData();
      // No title: the server chooses it as for any client (the file's own title, else its name).
      form.append("file", this.file, this.file.name);
      xhr.send(form);
    });
  }

  async run(allowDuplicate = false) {
    this.state = "uploading";
    this.bar.classList.remove("failed");
    this.say("Uploading… 0%");
    let doc;
    try {
      doc = await this.send(true, allowDuplicate);
    } catch (error) {
      if (error.name === "AbortError" || this.stopped) return;
      if (error.code === "duplicate_document" && error.details?.documentId) return this.duplicate(error.details);
      return this.fail(MESSAGES[error.code] || error.message);
    } finally { this.xhr = null; }
    this.state = "processing";
    this.open = ["Open", null, "primary", `/app/documents/${doc.id}`];
    this.setActions([this.open]);
    await this.follow(doc);
  }

  /** The same file is already in the library: offer it, or a second copy on purpose. */
  duplicate(existing) {
    this.state = "duplicate";
    this.bar.value = 100;
    this.say(`You already uploaded this file as “${existing.title}”. Nothing new was stored.`, "warning");
    this.setActions([["Open it", null, "primary", `/app/documents/${encodeURIComponent(existing.documentId)}`],
      ["Upload a second copy", () => this.run(true), "subtle"], ["Remove", () => this.node.remove(), "subtle"]]);
  }

  /** Follows the document's ingestion job (GET /v1/documents/{id}) until it is ready or failed. */
  async follow(doc) {
    for (let attempt = 0; attempt < 3000 && !this.stopped; attempt++) {
      if (doc.status === "failed") {
        return this.fail(MESSAGES[doc.error] || doc.errorMessage || "This file could not be processed.");
      }
      if (doc.status === "ready") return this.finish(doc);
      const job = doc.job || {};
      if (job.stage === "ocr" && job.total > 0) {
        this.bar.value = Math.round((job.done / job.total) * 100);
        this.say(`Reading scanned pages (OCR)… ${job.done} of ${plural(job.total, "page")}`);
      } else if (job.stage === "embeddings" && job.total > 0) {
        this.bar.value = Math.round((job.done / job.total) * 100);
        this.say(`Indexing for search… ${job.done} of ${plural(job.total, "passage")}`);
      } else {
        this.bar.removeAttribute("value");
        this.say(job.stage === "keyword-index" ? "Indexing keywords…"
          : job.state === "queued" && job.attempts === 0 && job.stage === "extract" ? "Waiting for a worker…" : "Reading the text…");
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      try { doc = await api(`/v1/documents/${doc.id}`); } catch (error) {
        if (error.status === 404) return this.fail("This document was deleted.");
        this.say(`Still processing; its status could not be read just now (${error.message}).`, "warning");
      }
    }
  }

  async finish(doc) {
    this.state = "done";
    this.bar.value = 100;
    const pages = doc.pageCount ? plural(doc.pageCount, "page") + ", " : "";
    const warnings = doc.quality?.likelyScanned ? " Most pages have no text layer (a scan?)." : "";
    let index = null;
    try { index = await api(`/v1/documents/${doc.id}/index`); } catch { /* the document is ready either way */ }
    const search = index?.status === "unavailable" ? "keyword search only (no embedding model on this server)"
      : index?.status === "failed" ? "indexing failed; keyword search still works" : "searchable";
    this.say(`Ready — ${pages}${plural(doc.quality?.words ?? 0, "word")}, ${search}.${warnings}`, index?.status === "failed" ? "warning" : "success");
    this.setActions([this.open]);
  }
}

function pump() {
  while (running < PARALLEL && queue.length) {
    const item = queue.shift();
    running++;
    item.run().finally(() => { running--; pump(); });
  }
}

function add(files) {
  const list = document.getElementById("upload-queue");
  document.getElementById("queue-section").hidden = false;
  for (const file of files) {
    const item = new UploadItem(file);
    list.prepend(item.node);
    const problem = item.precheck();
    if (problem) item.fail(problem);
    else queue.push(item);
  }
  pump();
}

const zone = document.getElementById("dropzone");
const input = document.getElementById("file-input");
input.addEventListener("change", () => { add([...input.files]); input.value = ""; });
document.getElementById("browse-button").addEventListener("keydown", (event) => {
  if (event.key === "Enter" || event.key === " ") { event.preventDefault(); input.click(); }
});
for (const name of ["dragenter", "dragover"]) {
  zone.addEventListener(name, (event) => { event.preventDefault(); zone.classList.add("active"); });
}
for (const name of ["dragleave", "drop"]) {
  zone.addEventListener(name, (event) => { event.preventDefault(); if (name === "drop" || !zone.contains(event.relatedTarget)) zone.classList.remove("active"); });
}
zone.addEventListener("drop", (event) => add([...event.dataTransfer.files]));
// Dropping a file anywhere else must not navigate away from the page.
window.addEventListener("dragover", (event) => event.preventDefault());
window.addEventListener("drop", (event) => event.preventDefault());
document.getElementById("clear-finished").addEventListener("click", () => {
  for (const node of document.querySelectorAll(".upload-item")) {
    if (["done", "failed", "cancelled"].includes(node.dataset.state)) node.remove();
  }
});
