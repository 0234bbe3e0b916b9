// One entity across the library: the documents that name it (each mention quoted, linked to its
// place in the document) and the entities related to it. A search box finds other entities.
import { api, requireSession, syncProfile, el, plural } from "./app.js";
import { TYPE_LABELS } from "./graph_view.js";

requireSession();
syncProfile().catch(() => {});

const id = document.body.dataset.entityId;
const entityURL = (entityId) => `/app/entities/${encodeURIComponent(entityId)}`;

async function init() {
  let entity;
  try {
    entity = await api(`/v1/graph/entities/${encodeURIComponent(id)}`);
  } catch (error) {
    document.getElementById("entity-name").textContent = error.status === 404 ? "Not in your library" : "This entity could not be opened";
    document.getElementById("entity-meta").textContent = error.status === 404
      ? "No document of yours names it (any more)." : error.message;
    return;
  }
  document.title = `${entity.name} · DocuThinker`;
  document.getElementById("entity-name").replaceChildren(entity.name, " ",
    el("span", { class: `chip node-chip node-${entity.type}` }, TYPE_LABELS[entity.type] ?? entity.type));
  const others = entity.aliases.filter((alias) => alias !== entity.name);
  document.getElementById("entity-meta").textContent = [
    plural(entity.documents.length, "document"), others.length ? "also written " + others.join(", ") : null,
  ].filter(Boolean).join(" · ");
  document.getElementById("entity-documents").replaceChildren(...entity.documents.map((item) =>
    el("article", { class: "entity-document" },
      el("h3", { class: "h4" }, el("a", { href: `/app/documents/${item.documentId}` }, item.title || "Untitled document")),
      el("p", { class: "muted small" }, plural(item.mentionCount, "mention")),
      el("ul", { class: "plain graph-mentions" }, item.mentions.map((mention) =>
        el("li", {}, el("a", { class: "cite-chip", href: `/app/documents/${item.documentId}#cite=${mention.start}-${mention.end}`,
          "aria-label": `“${mention.quote}” on page ${mention.page} of ${item.title || "the document"}` }, `p. ${mention.page}`),
          " ", mention.quote))))));
  const neighbours = document.getElementById("entity-neighbours");
  neighbours.replaceChildren(...(entity.neighbours.length ? entity.neighbours.map((neighbour) =>
    el("li", {}, el("span", { class: "muted" }, neighbour.direction === "out" ? `${neighbour.label} → ` : `← ${neighbour.label} `),
      el("a", { href: entityURL(neighbour.id) }, neighbour.name ?? neighbour.id),
      neighbour.weight > 1 ? el("span", { class: "muted small" }, ` ×${neighbour.weight}`) : null))
    : [el("li", { class: "muted" }, "Nothing is named beside it.")]));
}

function initSearch() {
  const form = document.getElementById("entity-search");
  const input = document.getElementById("entity-query");
  const options = document.getElementById("entity-suggestions");
  let found = [];
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (input.value.trim().length < 2) return;
      try {
        found = (await api(`/v1/graph/entities?q=${encodeURIComponent(input.value.trim())}&limit=10`)).entities;
        options.replaceChildren(...found.map((entity) => el("option", { value: entity.name },
          `${TYPE_LABELS[entity.type] ?? entity.type} · ${plural(entity.documentCount, "document")}`)));
      } catch { /* suggestions are optional */ }
    }, 200);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = input.value.trim();
    if (!query) return;
    const match = found.find((entity) => entity.name === query)
      ?? (await api(`/v1/graph/entities?q=${encodeURIComponent(query)}&limit=1`)).entities[0];
    if (match) location.assign(entityURL(match.id));
    else document.getElementById("entity-meta").textContent = `Nothing called “${query}” in your library.`;
  });
}

initSearch();
init();
