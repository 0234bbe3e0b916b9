// Document view: the source text beside its analyses; every citation highlights its span.
import { api, requireSession, syncProfile, el, toast, confirmAction, copyText, busy, plural, formatBytes, formatDate, tabList } from "./app.js";
import { SourceView } from "./source_view.js";
import { ChatPanel } from "./chat_panel.js";
import { gauge, bars, shares } from "./charts.js";
import { GraphView } from "./graph_view.js";

requireSession();
syncProfile().catch(() => {});

const id = document.body.dataset.documentId;
const source = new SourceView(document.getElementById("source-text"), document.getElementById("source-status"), document.getElementById("page-jump"));
const loaded = new Map();
let doc = null;

function showCitation(citation) {
  if (citation.documentId && citation.documentId !== id) {
    location.assign(`/app/documents/${citation.documentId}#cite=${citation.start}-${citation.end}`);
    return;
  }
  source.highlight(citation.start, citation.end, { quote: citation.quote });
}

function citationButtons(citations) {
  return el("span", { class: "citations" }, citations.map((citation) =>
    el("button", { type: "button", class: "cite-chip", onclick: () => showCitation(citation), title: citation.quote,
      "aria-label": `Show the source on page ${citation.page}` }, `p. ${citation.page}`)));
}

function itemList(result, { ordered = false, render } = {}) {
  const list = el(ordered ? "ol" : "ul", { class: "insights" });
  for (const item of result.items) {
    list.append(el("li", { class: "insight" }, render ? render(item) : el("span", {}, item.text), " ", citationButtons(item.citations)));
  }
  return list;
}

function plainText(result) {
  if (result.summary && result.kind !== "bullet-summary") return result.summary;
  return result.items.map((item) => "• " + (item.phrase ? item.phrase + ": " : "") + item.text).join("\n");
}

function header(result, reload) {
  const engine = result.engine === "llm" ? "written by the configured LLM" : "offline engine";
  return el("div", { class: "result-header" },
    el("span", { class: "muted small" }, `${engine}${result.cached ? " · cached" : ""}`),
    el("span", { class: "row-actions" },
      reload ? el("button", { type: "button", class: "button subtle small", onclick: reload }, "Regenerate") : null,
      el("button", { type: "button", class: "button subtle small", onclick: () => copyText(plainText(result)) }, "Copy")));
}

const RENDERERS = {
  summary: (result) => itemList(result, { render: (item) => el("span", {}, item.text) }),
  "bullet-summary": (result) => itemList(result),
  "key-ideas": (result) => itemList(result, { render: (item) => el("span", {}, item.phrase ? el("strong", {}, item.phrase + " — ") : null, item.text) }),
  "discussion-points": (result) => itemList(result, { ordered: true }),
  recommendations: (result) => itemList(result, { ordered: true }),
  sentiment: renderSentiment,
  analytics: renderAnalytics,
};

function renderSentiment(result) {
  const report = result.sentiment;
  const score = report.score;
  return el("div", { class: "sentiment" },
    el("div", { class: "gauge-box" },
      gauge(score, {
        bands: [{ to: 0.4, class: "negative" }, { to: 0.6, class: "neutral" }, { to: 1, class: "positive" }],
        startLabel: "Negative", endLabel: "Positive", valueText: (score >= 0 ? "+" : "") + score.toFixed(2),
        label: `Sentiment score ${score.toFixed(2)} on a scale from −1 to +1: ${report.label}`,
      }),
      el("p", { class: "gauge-caption" }, el("strong", {}, capitalise(report.label)), " — ", report.description)),
    shares([
      { value: report.positiveShare, class: "positive" }, { value: report.neutralShare, class: "neutral" }, { value: report.negativeShare, class: "negative" },
    ], { label: `Sentences: ${pct(report.positiveShare)} positive, ${pct(report.neutralShare)} neutral, ${pct(report.negativeShare)} negative` }),
    el("p", { class: "legend small" },
      el("span", { class: "swatch positive" }), ` ${pct(report.positiveShare)} positive `,
      el("span", { class: "swatch neutral" }), ` ${pct(report.neutralShare)} neutral `,
      el("span", { class: "swatch negative" }), ` ${pct(report.negativeShare)} negative`),
    result.items.length ? el("h3", { class: "h4" }, "By section") : null,
    itemList(result, { render: (item) => el("span", {}, item.label ? el("span", { class: "chip " + item.label }, item.label) : null, " ", item.text) }));
}

function renderAnalytics(result) {
  const a = result.analytics;
  const tiles = [
    ["Words", a.words.toLocaleString()], ["Sentences", a.sentences.toLocaleString()], ["Paragraphs", a.paragraphs.toLocaleString()],
    ["Reading time", a.readingTimeMinutes < 1 ? "< 1 min" : `${Math.round(a.readingTimeMinutes)} min`],
    ["Words per sentence", a.averageSentenceLength.toFixed(1)], ["Lexical diversity", pct(a.lexicalDiversity)],
  ];
  const ease = Math.max(0, Math.min(100, a.fleschReadingEase));
  return el("div", { class: "analytics" },
    el("ul", { class: "stat-tiles compact" }, tiles.map(([label, value]) =>
      el("li", {}, el("span", { class: "stat-value" }, value), el("span", { class: "stat-label" }, label)))),
    el("div", { class: "charts" },
      el("figure", {},
        gauge(ease, {
          min: 0, max: 100, bands: [{ to: 0.3, class: "hard" }, { to: 0.6, class: "medium" }, { to: 1, class: "easy" }],
          startLabel: "Harder", endLabel: "Easier", valueText: a.fleschReadingEase.toFixed(0),
          label: `Flesch reading ease ${a.fleschReadingEase.toFixed(0)} of 100 (${readability(a.fleschReadingEase)})`,
        }),
        el("figcaption", {}, `Reading ease: ${readability(a.fleschReadingEase)} · grade ${a.fleschKincaidGrade.toFixed(1)}`)),
      el("figure", {},
        bars(a.topKeywords.slice(0, 10).map((keyword) => ({ label: keyword.keyword, value: keyword.count })),
          { label: "Top keywords: " + a.topKeywords.slice(0, 10).map((keyword) => `${keyword.keyword} ${keyword.count}`).join(", ") }),
        el("figcaption", {}, "Top keywords (occurrences)"))));
}

function readability(score) {
  return score >= 80 ? "easy" : score >= 60 ? "plain English" : score >= 50 ? "fairly difficult" : score >= 30 ? "difficult" : "very difficult";
}
const pct = (value) => Math.round(value * 100) + "%";
const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);

function analysisURL(kind, refresh) {
  const query = new URLSearchParams();
  if (kind === "summary") query.set("length", document.getElementById("summary-length").value);
  if (refresh) query.set("refresh", "true");
  return `/v1/documents/${id}/analyses/${kind}` + (query.size ? "?" + query : "");
}

async function loadAnalysis(kind, { refresh = false } = {}) {
  const box = document.querySelector(`.tabpanel > .analysis[data-kind="${kind}"], .tabpanel > div > .analysis[data-kind="${kind}"]`);
  if (!box) return;
  box.replaceChildren(el("p", { class: "loading" }, "Working on it…"));
  box.setAttribute("aria-busy", "true");
  try {
    const result = await api(analysisURL(kind, refresh));
    const notes = (result.notes || []).map((note) => el("p", { class: "muted small" }, note));
    const body = result.items.length || result.sentiment || result.analytics ? RENDERERS[kind](result)
      : el("p", { class: "muted" }, "Nothing to show for this document.");
    box.replaceChildren(header(result, () => loadAnalysis(kind, { refresh: true })), body, ...notes);
    loaded.set(kind, true);
  } catch (error) {
    box.replaceChildren(el("p", { class: "form-error" }, error.message),
      el("button", { type: "button", class: "button small", onclick: () => loadAnalysis(kind) }, "Try again"));
  } finally {
    box.setAttribute("aria-busy", "false");
  }
}

let chat = null;
let graph = null;

/** Loads a tab's analysis the first time it is shown, and opens the chat on its first visit. */
function showTab(tab) {
  const kind = tab.dataset.kind;
  if (kind && !loaded.has(kind)) loadAnalysis(kind);
  if (tab.id === "tab-graph" && !graph) {
    graph = new GraphView(document.getElementById("document-graph"), {
      documentId: id, quote: (start, end) => source.quote(start, end),
      onMention: (mention) => source.highlight(mention.start, mention.end, { quote: mention.quote }),
    });
    graph.load().catch((error) => {
      graph = null;
      document.getElementById("document-graph").replaceChildren(el("p", { class: "form-error" }, error.message));
    });
  }
  if (tab.id === "tab-chat" && !chat) {
    chat = new ChatPanel(document.getElementById("document-chat"), {
      documentIds: [id], onCite: showCitation,
      greeting: "Ask about this document. Click a numbered source to see it highlighted in the text.",
    });
  }
}

let selectTab = null;

function initTabs() {
  selectTab = tabList([...document.querySelectorAll('#analysis-tabs [role="tab"]')], showTab);
  document.getElementById("summary-length").addEventListener("change", () => loadAnalysis("summary"));
}

async function initTransforms() {
  let capabilities = null;
  try { capabilities = await api("/v1/capabilities"); } catch { /* the AI side is unavailable */ }
  for (const form of document.querySelectorAll("form.transform")) {
    const needsLLM = form.dataset.needsLlm === "true";
    const reason = form.querySelector(".llm-reason");
    const button = form.querySelector('button[type="submit"]');
    if (needsLLM && !capabilities?.llm) {
      for (const field of form.querySelectorAll("input, select, button")) field.disabled = true;
      reason.hidden = false;
      reason.textContent = capabilities
        ? "Needs an LLM provider, and none is configured on this server (set OPENAI_API_KEY, ANTHROPIC_API_KEY, GOOGLE_API_KEY or a Bedrock model)."
        : "The AI service is not answering right now; try again in a moment.";
      continue;
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(form));
      const box = form.querySelector(".result");
      await busy(button, async () => {
        try {
          const result = await api(`/v1/documents/${id}/analyses/${form.dataset.kind}`, { method: "POST", json: data });
          const text = result.summary || result.items.map((item) => item.text).join(" ");
          box.replaceChildren(header(result), result.items.length ? itemList(result) : el("p", {}, text));
        } catch (error) {
          box.replaceChildren(el("p", { class: "form-error" }, error.message));
        }
      });
    });
  }
}

function initActions() {
  document.getElementById("download-original").addEventListener("click", async (event) => {
    await busy(event.currentTarget, async () => {
      try {
        const response = await api(`/v1/documents/${id}/file`, { raw: true });
        const url = URL.createObjectURL(await response.blob());
        const link = el("a", { href: url, download: doc?.filename || doc?.title || "document" });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      } catch (error) { toast(error.message, "error"); }
    });
  });
  document.getElementById("delete-document").addEventListener("click", async () => {
    if (!(await confirmAction(`“${doc?.title ?? "This document"}” and its analyses, search index and file will be deleted.`, { title: "Delete this document?" }))) return;
    try {
      await api(`/v1/documents/${id}`, { method: "DELETE" });
      toast("Deleted.");
      location.assign("/app");
    } catch (error) { toast(error.message, "error"); }
  });
}

function highlightFromHash() {
  const match = /cite=(\d+)-(\d+)/.exec(location.hash);
  if (match) source.highlight(Number(match[1]), Number(match[2]));
}

async function init() {
  initTabs();
  initActions();
  try {
    doc = await api(`/v1/documents/${id}`);
  } catch (error) {
    document.getElementById("doc-title").textContent = error.status === 404 ? "Document not found" : "This document could not be opened";
    document.getElementById("doc-meta").textContent = error.status === 404 ? "It may have been deleted, or it belongs to another account." : error.message;
    document.querySelector(".doc-layout").hidden = true;
    return;
  }
  document.getElementById("doc-title").textContent = doc.title;
  const warning = document.getElementById("doc-warning");
  // A fresh upload is processed by its job: wait here (the page fills in when it is ready).
  while (doc.status === "processing") {
    const job = doc.job || {};
    warning.hidden = false;
    warning.textContent = job.stage === "embeddings" && job.total
      ? `Still processing: indexing for search, ${job.done} of ${plural(job.total, "passage")}…`
      : job.stage === "ocr" && job.total
        ? `Still processing: reading scanned pages (OCR), ${job.done} of ${plural(job.total, "page")}…`
        : "Still processing: reading the text…";
    await new Promise((resolve) => setTimeout(resolve, 800));
    try { doc = await api(`/v1/documents/${id}`); } catch (error) { warning.textContent = error.message; return; }
  }
  warning.hidden = true;
  if (doc.status === "failed") {
    document.getElementById("doc-meta").textContent = doc.errorMessage || "This document could not be processed.";
    document.querySelector(".doc-layout").hidden = true;
    return;
  }
  document.title = `${doc.title} · DocuThinker`;
  document.getElementById("doc-title").textContent = doc.title;
  document.getElementById("doc-meta").textContent = [
    doc.format.toUpperCase(), doc.pageCount ? plural(doc.pageCount, "page") : null,
    doc.quality ? plural(doc.quality.words, "word") : null, formatBytes(doc.sizeBytes), "added " + formatDate(doc.createdAt),
  ].filter(Boolean).join(" · ");
  if (doc.quality?.emptyPages?.length) {
    warning.hidden = false;
    warning.textContent = doc.quality.likelyScanned
      ? "Most pages have no text layer — this looks like a scan, so analyses only see the pages with text."
      : `Pages without text: ${doc.quality.emptyPages.join(", ")}.`;
  }
  const ocrPages = doc.quality?.ocrPages || [];
  if (ocrPages.length) {
    const confidence = Math.round((doc.quality.ocrConfidence || 0) * 100);
    const note = el("p", { id: "doc-ocr", class: "muted small" },
      `${ocrPages.length === doc.pageCount ? "Every page" : plural(ocrPages.length, "page")} read from images by OCR `
      + `(mean confidence ${confidence}%); check quotes from ${ocrPages.length === 1 ? "it" : "them"} against the original.`);
    document.getElementById("doc-meta").after(note);
  }
  selectTab(document.getElementById("tab-summary"));
  initTransforms();
  try {
    source.load(await api(`/v1/documents/${id}/text`));
    highlightFromHash();
  } catch (error) {
    document.getElementById("source-text").replaceChildren(el("p", { class: "form-error" }, error.message));
  }
}

window.addEventListener("hashchange", highlightFromHash);
init();
