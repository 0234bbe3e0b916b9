// The knowledge graph of one document: a force layout drawn in SVG by our own code, a legend that
// filters by type, and a detail box. Click a node (or press Enter on it) to list its mentions;
// each mention shows its span in the source text.
import { api, el, plural } from "./app.js";
import { svg } from "./charts.js";

export const TYPES = ["person", "organisation", "place", "date", "concept"];
export const TYPE_LABELS = { person: "Person", organisation: "Organisation", place: "Place", date: "Date", concept: "Other name" };
const WIDTH = 640;
const HEIGHT = 440;
const MARGIN_X = 70;   // room for a label centred on a node at the edge
const MARGIN_Y = 30;

/**
 * Fruchterman–Reingold positions for `nodes` ([{id}]) joined by `edges` ([{source, target}]) in
 * the box: deterministic (nodes start on a circle in the given order), so a graph always looks the same.
 */
export function layout(nodes, edges, width = WIDTH, height = HEIGHT, iterations = 250) {
  const n = nodes.length;
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  const x = new Float64Array(n), y = new Float64Array(n);
  nodes.forEach((_, i) => {
    const angle = (2 * Math.PI * i) / Math.max(1, n);
    const spread = Math.min(0.35, 0.08 * Math.sqrt(n));
    x[i] = width / 2 + Math.cos(angle) * width * spread;
    y[i] = height / 2 + Math.sin(angle) * height * spread;
  });
  const links = edges.map((edge) => [index.get(edge.source), index.get(edge.target)]).filter(([a, b]) => a !== undefined && b !== undefined);
  // The ideal distance between nodes; capped so a small graph stays together in the middle.
  const k = Math.min(110, 0.75 * Math.sqrt((width * height) / Math.max(1, n)));
  let temperature = width / 8;
  for (let step = 0; step < iterations; step++) {
    const dx = new Float64Array(n), dy = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let ex = x[i] - x[j], ey = y[i] - y[j];
        const d = Math.hypot(ex, ey) || 0.01;
        const force = (k * k) / d;
        ex = (ex / d) * force; ey = (ey / d) * force;
        dx[i] += ex; dy[i] += ey; dx[j] -= ex; dy[j] -= ey;
      }
    }
    for (const [a, b] of links) {
      let ex = x[a] - x[b], ey = y[a] - y[b];
      const d = Math.hypot(ex, ey) || 0.01;
      const force = (d * d) / k;
      ex = (ex / d) * force; ey = (ey / d) * force;
      dx[a] -= ex; dy[a] -= ey; dx[b] += ex; dy[b] += ey;
    }
    for (let i = 0; i < n; i++) {
      // A little gravity keeps unconnected nodes in view.
      dx[i] += (width / 2 - x[i]) * 0.05 * k / 10;
      dy[i] += (height / 2 - y[i]) * 0.05 * k / 10;
      const d = Math.hypot(dx[i], dy[i]) || 0.01;
      const move = Math.min(d, temperature);
      x[i] += (dx[i] / d) * move;
      y[i] += (dy[i] / d) * move;
    }
    temperature = Math.max(0.5, temperature * 0.97);
  }
  // Laid out in free space, then fitted to the box (nothing piles up against its walls).
  const fit = (values, size, margin) => {
    let low = Infinity, high = -Infinity;
    for (const value of values) { low = Math.min(low, value); high = Math.max(high, value); }
    const span = high - low;
    return Array.from(values, (value) => span < 1 ? size / 2 : margin + ((value - low) / span) * (size - 2 * margin));
  };
  const fx = fit(x, width, MARGIN_X), fy = fit(y, height, MARGIN_Y);
  return nodes.map((_, i) => ({ x: fx[i], y: fy[i] }));
}

export class GraphView {
  /**
   * `container` receives the view; `quote(start, end)` reads the document's text;
   * `onMention({start, end, page, quote})` shows a span in the source.
   */
  constructor(container, { documentId, quote, onMention }) {
    this.container = container;
    this.documentId = documentId;
    this.quote = quote;
    this.onMention = onMention;
    this.graph = null;
    this.hidden = new Set();
    this.limit = 60;
    this.selected = null;
  }

  /** Loads the graph, waiting while it is being built. */
  async load() {
    this.container.replaceChildren(el("p", { class: "loading" }, "Reading the graph…"));
    for (let attempt = 0; attempt < 90; attempt++) {
      const graph = await api(`/v1/documents/${this.documentId}/graph`);
      if (graph.status !== "pending") {
        this.graph = graph;
        this.render();
        return;
      }
      this.container.replaceChildren(el("p", { class: "loading" }, "The graph of this document is being built…"));
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    this.container.replaceChildren(el("p", { class: "muted" }, "The graph is not ready yet; open this tab again in a minute."));
  }

  /** The nodes shown: the most mentioned of the visible types. */
  visibleNodes() {
    return this.graph.nodes.filter((node) => !this.hidden.has(node.type))
      .sort((a, b) => b.mentions.length - a.mentions.length || a.name.localeCompare(b.name))
      .slice(0, this.limit);
  }

  render() {
    const graph = this.graph;
    if (!graph.nodes.length) {
      this.container.replaceChildren(el("p", { class: "muted" }, "No people, organisations, places or other names were found in this document."));
      return;
    }
    const counts = Object.fromEntries(TYPES.map((type) => [type, graph.nodes.filter((node) => node.type === type).length]));
    const legend = el("fieldset", { class: "graph-legend" }, el("legend", { class: "sr-only" }, "Show types"),
      TYPES.filter((type) => counts[type]).map((type) => {
        const box = el("input", { type: "checkbox", id: `graph-type-${type}`, checked: !this.hidden.has(type),
          onchange: () => { box.checked ? this.hidden.delete(type) : this.hidden.add(type); this.render(); } });
        return el("label", { for: `graph-type-${type}`, class: "graph-legend-item" }, box,
          el("span", { class: `swatch node-${type}`, "aria-hidden": "true" }), ` ${TYPE_LABELS[type]} (${counts[type]})`);
      }));
    const limit = el("select", { id: "graph-limit", class: "small-select", onchange: () => { this.limit = Number(limit.value); this.render(); } },
      [30, 60, 120, 400].map((value) => el("option", { value, selected: value === this.limit }, `${value} most mentioned`)));
    const nodes = this.visibleNodes();
    const shown = new Set(nodes.map((node) => node.id));
    const edges = graph.edges.filter((edge) => shown.has(edge.source) && shown.has(edge.target));
    const positions = layout(nodes, edges);
    const at = new Map(nodes.map((node, i) => [node.id, positions[i]]));
    const maxMentions = Math.max(1, ...nodes.map((node) => node.mentions.length));
    const picture = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "graph", role: "group",
      "aria-label": `Graph of ${plural(nodes.length, "entity", "entities")} and ${plural(edges.length, "relation")}` });
    for (const edge of edges) {
      const a = at.get(edge.source), b = at.get(edge.target);
      picture.append(svg("line", { x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: b.x.toFixed(1), y2: b.y.toFixed(1),
        class: "graph-edge", "stroke-width": Math.min(6, 1 + Math.log2(edge.weight)).toFixed(1) }, svg("title", {}, edge.label)));
    }
    const labelled = new Set(nodes.slice(0, 25).map((node) => node.id));
    for (const node of nodes) {
      const p = at.get(node.id);
      const radius = 5 + 9 * Math.sqrt(node.mentions.length / maxMentions);
      const group = svg("g", { class: "graph-node" + (this.selected === node.id ? " selected" : ""), tabindex: "0", role: "button",
        "data-id": node.id, transform: `translate(${p.x.toFixed(1)} ${p.y.toFixed(1)})`,
        "aria-label": `${node.name}, ${TYPE_LABELS[node.type].toLowerCase()}, ${plural(node.mentions.length, "mention")}` },
        svg("circle", { r: radius.toFixed(1), class: `node-${node.type}` }));
      if (labelled.has(node.id) || this.selected === node.id) {
        group.append(svg("text", { y: (-radius - 4).toFixed(1), "text-anchor": "middle", class: "graph-label" }, truncate(node.name, 24)));
      }
      group.addEventListener("click", () => this.select(node.id));
      group.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); this.select(node.id); }
      });
      picture.append(group);
    }
    const stale = graph.status === "stale"
      ? el("p", { class: "muted small" }, "Built by an older version of the extractor; a new graph is on its way.") : null;
    this.detail = el("div", { class: "graph-detail", id: "graph-detail", "aria-live": "polite" });
    const index = el("details", { class: "graph-index" }, el("summary", {}, `All ${plural(graph.nodes.length, "entity", "entities")} as a list`),
      el("ul", { class: "plain" }, [...graph.nodes].sort((a, b) => a.name.localeCompare(b.name)).map((node) =>
        el("li", {}, el("button", { type: "button", class: "link-button", onclick: () => this.select(node.id) }, node.name),
          el("span", { class: "muted small" }, ` ${TYPE_LABELS[node.type].toLowerCase()} · ${node.mentions.length}`)))));
    this.container.replaceChildren(...[
      el("div", { class: "graph-tools" }, legend, el("label", { for: "graph-limit", class: "sr-only" }, "How many entities"), limit),
      stale, el("div", { class: "graph-frame" }, picture), this.detail, index].filter(Boolean));
    if (this.selected) this.showDetail(this.selected);
    else this.detail.append(el("p", { class: "muted small" }, "Select an entity to see where the document names it."));
  }

  select(id) {
    const previous = this.selected;
    this.selected = id;
    if (!this.visibleNodes().some((node) => node.id === id) || previous !== id) {
      // Re-render so the selected node is shown, labelled and marked.
      const node = this.graph.nodes.find((candidate) => candidate.id === id);
      if (node) this.hidden.delete(node.type);
      this.render();
      const focused = this.container.querySelector(`.graph-node[data-id="${CSS.escape(id)}"]`);
      if (focused && document.activeElement === document.body) focused.focus();
    }
    this.showDetail(id);
  }

  showDetail(id) {
    const node = this.graph.nodes.find((candidate) => candidate.id === id);
    if (!node) return;
    const names = new Map(this.graph.nodes.map((candidate) => [candidate.id, candidate.name]));
    const relations = this.graph.edges.filter((edge) => edge.source === id || edge.target === id)
      .sort((a, b) => b.weight - a.weight).slice(0, 12);
    this.detail.replaceChildren(
      el("h3", { class: "h4" }, node.name, " ", el("span", { class: `chip node-chip node-${node.type}` }, TYPE_LABELS[node.type])),
      node.aliases.length > 1 ? el("p", { class: "muted small" }, "Also written: " + node.aliases.filter((alias) => alias !== node.name).join(", ")) : null,
      el("p", { class: "small" }, el("a", { href: `/app/entities/${encodeURIComponent(id)}` }, "Across your library →")),
      el("h4", { class: "h5" }, plural(node.mentions.length, "mention")),
      el("ul", { class: "graph-mentions plain" }, node.mentions.slice(0, 40).map((mention) => {
        const quote = this.quote(mention.start, mention.end);
        return el("li", {}, el("button", { type: "button", class: "cite-chip mention-chip",
          onclick: () => this.onMention({ ...mention, quote }), "aria-label": `Show “${quote}” on page ${mention.page}` },
          `p. ${mention.page}`), " ", el("span", {}, quote));
      })),
      relations.length ? el("h4", { class: "h5" }, "Related") : null,
      relations.length ? el("ul", { class: "plain graph-relations" }, relations.map((edge) => {
        const other = edge.source === id ? edge.target : edge.source;
        const phrase = edge.source === id ? `${edge.label} → ` : `← ${edge.label} `;
        return el("li", {}, el("span", { class: "muted" }, phrase),
          el("button", { type: "button", class: "link-button", onclick: () => this.select(other) }, names.get(other) ?? other),
          edge.weight > 1 ? el("span", { class: "muted small" }, ` ×${edge.weight}`) : null);
      })) : null);
  }
}

function truncate(text, length) {
  return text.length > length ? text.slice(0, length - 1) + "…" : text;
}
