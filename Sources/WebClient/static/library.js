// Library: the caller's documents with title filter, sort, rename, delete; content search across the library.
import { initGraphReading } from "./graph_llm.js";
import { api, loadAllDocuments, requireSession, syncProfile, el, toast, confirmAction, formatBytes, formatDate, plural, busy } from "./app.js";

requireSession();
syncProfile().catch(() => {});

const list = document.getElementById("documents");
const countLine = document.getElementById("doc-count");
const searchInput = document.getElementById("search-input");
const sortSelect = document.getElementById("sort-select");
let documents = [];

function sorted(items) {
  const copy = [...items];
  switch (sortSelect.value) {
    case "oldest": return copy.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    case "title": return copy.sort((a, b) => a.title.localeCompare(b.title, undefined, { sensitivity: "base" }));
    case "pages": return copy.sort((a, b) => b.pageCount - a.pageCount);
    default: return copy.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}

const FORMAT_LABELS = { pdf: "PDF", docx: "Word", html: "HTML", markdown: "Markdown", text: "Text" };

function row(doc) {
  const title = el("a", { href: `/app/documents/${doc.id}`, class: "doc-title" }, doc.title);
  const details = [
    doc.pageCount ? plural(doc.pageCount, "page") : null,
    formatBytes(doc.sizeBytes),
    "added " + formatDate(doc.createdAt),
  ].filter(Boolean).join(" · ");
  const status = doc.status === "ready" ? null
    : el("span", { class: "chip " + (doc.status === "failed" ? "danger" : "") }, doc.status === "failed" ? "Failed" : "Processing");
  const item = el("li", { class: "doc-row", dataset: { id: doc.id } },
    el("span", { class: "chip format" }, FORMAT_LABELS[doc.format] || doc.format),
    el("div", { class: "doc-main" }, title, status, el("p", { class: "muted small" }, details)),
    el("div", { class: "row-actions" },
      el("button", { type: "button", class: "button subtle small", onclick: () => startRename(item, doc), "aria-label": `Rename ${doc.title}` }, "Rename"),
      el("button", { type: "button", class: "button danger subtle small", onclick: () => remove(doc), "aria-label": `Delete ${doc.title}` }, "Delete")));
  return item;
}

function startRename(item, doc) {
  const input = el("input", { value: doc.title, "aria-label": "New title", maxlength: "300", required: true });
  const form = el("form", { class: "rename-form" }, input,
    el("button", { type: "submit", class: "button primary small" }, "Save"),
    el("button", { type: "button", class: "button subtle small", onclick: () => render() }, "Cancel"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const title = input.value.trim();
    if (!title) return toast("A title cannot be empty.", "error");
    await busy(form.querySelector('button[type="submit"]'), async () => {
      try {
        const updated = await api(`/v1/documents/${doc.id}`, { method: "PATCH", json: { title } });
        Object.assign(doc, updated);
        toast("Renamed.");
        render();
      } catch (error) { toast(error.message, "error"); }
    });
  });
  form.addEventListener("keydown", (event) => { if (event.key === "Escape") render(); });
  item.querySelector(".doc-main").replaceWith(form);
  input.focus();
  input.select();
}

async function remove(doc) {
  if (!(await confirmAction(`“${doc.title}” and everything made from it (analyses, search index, chats’ sources) will be deleted.`,
    { title: "Delete this document?" }))) return;
  try {
    await api(`/v1/documents/${doc.id}`, { method: "DELETE" });
    documents = documents.filter((other) => other.id !== doc.id);
    toast(`Deleted “${doc.title}”.`);
    render();
  } catch (error) { toast(error.message, "error"); }
}

function render() {
  const filter = searchInput.value.trim().toLowerCase();
  const shown = sorted(documents).filter((doc) => !filter || doc.title.toLowerCase().includes(filter));
  list.replaceChildren(...shown.map(row));
  list.setAttribute("aria-busy", "false");
  countLine.textContent = documents.length ? plural(documents.length, "document") : "No documents yet";
  document.getElementById("empty-library").hidden = documents.length > 0;
  const noMatch = document.getElementById("no-match");
  noMatch.hidden = !(documents.length > 0 && shown.length === 0);
  noMatch.textContent = `No document title contains “${searchInput.value.trim()}”.`;
  document.getElementById("danger-zone").hidden = documents.length === 0;
}

async function searchContents(query) {
  const section = document.getElementById("search-results");
  const hits = document.getElementById("search-hits");
  section.hidden = false;
  hits.replaceChildren(el("li", { class: "muted" }, "Searching…"));
  try {
    const { results } = await api(`/v1/search?q=${encodeURIComponent(query)}&mode=hybrid&limit=10`);
    const titles = Object.fromEntries(documents.map((doc) => [doc.id, doc.title]));
    hits.replaceChildren(...(results.length ? results.map((hit) => el("li", { class: "hit" },
      el("a", { href: `/app/documents/${hit.documentId}#cite=${hit.start}-${hit.end}` },
        hit.title || titles[hit.documentId] || "Document", el("span", { class: "muted small" }, ` · page ${hit.page}`)),
      el("p", { class: "snippet" }, hit.text.length > 320 ? hit.text.slice(0, 320) + "…" : hit.text)))
      : [el("li", { class: "muted" }, "No passage matches these words.")]));
  } catch (error) {
    hits.replaceChildren(el("li", { class: "form-error" }, error.message));
  }
}

document.getElementById("library-search").addEventListener("submit", (event) => {
  event.preventDefault();
  const query = searchInput.value.trim();
  if (query) searchContents(query);
});
document.getElementById("clear-search").addEventListener("click", () => {
  searchInput.value = "";
  document.getElementById("search-results").hidden = true;
  render();
  searchInput.focus();
});
searchInput.addEventListener("input", render);
sortSelect.addEventListener("change", render);
document.getElementById("delete-all").addEventListener("click", async () => {
  if (!(await confirmAction(`All ${plural(documents.length, "document")} and everything made from them will be deleted. This cannot be undone.`,
    { title: "Delete all documents?", confirmLabel: "Delete all" }))) return;
  try {
    const { deleted } = await api("/v1/documents", { method: "DELETE" });
    documents = [];
    toast(`Deleted ${plural(deleted, "document")}.`);
    render();
  } catch (error) { toast(error.message, "error"); }
});

initGraphReading();

// Say plainly when this server cannot search by meaning (its embedding model was not found).
api("/v1/capabilities").then((capabilities) => {
  if (capabilities.semanticSearch) return;
  const notice = document.getElementById("search-notice");
  notice.hidden = false;
  notice.textContent = "Search by meaning is off on this server: its embedding model was not found. Keyword search works; "
    + "the operator can run scripts/bootstrap or set DOCUTHINKER_EMBEDDING_MODEL_DIR.";
}).catch(() => {});

loadAllDocuments().then((all) => { documents = all; render(); })
  .catch((error) => { countLine.textContent = error.message; list.setAttribute("aria-busy", "false"); });
