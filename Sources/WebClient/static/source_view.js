// The source pane: the document's text page by page, and highlighting of a code-point span.
// Offsets from the API count Unicode code points; JavaScript strings index UTF-16 units, so
// spans are converted before they touch the DOM.
import { el } from "./app.js";

export class SourceView {
  constructor(container, status, pageSelect) {
    this.container = container;
    this.status = status;
    this.pageSelect = pageSelect;
    this.pages = [];
    this.units = null;
    this.marks = [];
  }

  /** Renders `{text, pages: [{number, start, end}]}` from `/v1/documents/{id}/text`. */
  load({ text, pages }) {
    const units = toUnitIndex(text);
    this.units = units;
    this.text = text;
    const list = pages.length ? pages : [{ number: 1, start: 0, end: units.length - 1 }];
    this.pages = list.map((page) => {
      const body = el("div", { class: "page-text" }, text.slice(units.at(page.start), units.at(page.end)));
      const node = el("section", { class: "page", id: `page-${page.number}`, "aria-label": `Page ${page.number}` },
        el("h3", { class: "page-label" }, `Page ${page.number}`), body);
      return { ...page, node, body };
    });
    this.container.replaceChildren(...this.pages.map((page) => page.node));
    if (this.pageSelect) {
      this.pageSelect.replaceChildren(...this.pages.map((page) => el("option", { value: page.number }, `Page ${page.number}`)));
      this.pageSelect.hidden = this.pages.length < 2;
      this.pageSelect.onchange = () => this.scrollToPage(Number(this.pageSelect.value));
    }
  }

  /** The text between two code-point offsets (empty before the text is loaded). */
  quote(start, end) {
    return this.units ? this.text.slice(this.units.at(start), this.units.at(end)) : "";
  }

  scrollToPage(number) {
    const page = this.pages.find((candidate) => candidate.number === number);
    if (page) this.container.scrollTo({ top: page.node.offsetTop - this.container.offsetTop, behavior: "smooth" });
  }

  clear() {
    for (const mark of this.marks) {
      const parent = mark.parentNode;
      if (!parent) continue;
      mark.replaceWith(...mark.childNodes);
      parent.normalize();
    }
    this.marks = [];
  }

  /** Highlights [start, end) (code points of the whole text), scrolls to it and says where it is. */
  highlight(start, end, { quote } = {}) {
    this.clear();
    const touched = this.pages.filter((page) => page.start < end && page.end > start);
    for (const page of touched) {
      const text = page.body.firstChild;
      if (!text) continue;
      const pageStart = this.units.at(page.start);
      const from = this.units.at(Math.max(start, page.start)) - pageStart;
      const to = this.units.at(Math.min(end, page.end)) - pageStart;
      const range = document.createRange();
      range.setStart(text, from);
      range.setEnd(text, to);
      const mark = el("mark", { class: "cite-highlight", tabindex: "-1" });
      range.surroundContents(mark);
      this.marks.push(mark);
    }
    if (!this.marks.length) {
      this.status.textContent = "This passage is not in the text shown here.";
      return false;
    }
    const first = this.marks[0];
    const top = first.offsetTop - this.container.offsetTop - this.container.clientHeight / 3;
    this.container.scrollTo({ top: Math.max(0, top), behavior: "smooth" });
    first.focus({ preventScroll: true });
    const pages = touched.map((page) => page.number);
    // The page selector follows the citation, so it names the page being read.
    if (this.pageSelect) this.pageSelect.value = String(pages[0]);
    const where = pages.length > 1 ? `Pages ${pages[0]}–${pages.at(-1)}` : `Page ${pages[0]}`;
    this.status.textContent = `${where} · characters ${start.toLocaleString()}–${end.toLocaleString()}` +
      (quote && quote !== this.marks.map((mark) => mark.textContent).join("") ? " (the text has changed since)" : "");
    // Beside the analyses the pane is sticky and always in view; stacked on a narrow screen, bring it into view.
    const pane = this.container.closest(".source-pane");
    if (pane && getComputedStyle(pane).position !== "sticky") pane.scrollIntoView({ block: "start", behavior: "smooth" });
    return true;
  }
}

/**
 * Maps code-point offsets to UTF-16 offsets. Text without surrogate pairs maps to itself;
 * otherwise a table of length codePoints + 1 is built once.
 */
function toUnitIndex(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) {
    return { length: text.length + 1, at: (offset) => Math.min(offset, text.length) };
  }
  const table = [];
  let unit = 0;
  for (const character of text) {
    table.push(unit);
    unit += character.length;
  }
  table.push(unit);
  return { length: table.length, at: (offset) => table[Math.min(offset, table.length - 1)] };
}
