// A chat: past messages, a question box, and answers streamed over server-sent events with
// numbered citations as footnotes. `onCite(citation)` decides what a citation click does.
import { api, renewOrSignIn, authHeaders, errorFrom, el, copyText } from "./app.js";

export class ChatPanel {
  constructor(root, { documentIds = null, onCite, onCreated, greeting } = {}) {
    this.root = root;
    this.documentIds = documentIds;
    this.onCite = onCite;
    this.onCreated = onCreated;
    this.chatId = null;
    this.log = el("ol", { class: "chat-log", "aria-live": "polite", "aria-label": "Messages" });
    this.greeting = el("li", { class: "chat-greeting muted" },
      greeting || "Ask a question. Answers quote your documents and cite the page; when the answer is not there, you are told so.");
    this.input = el("textarea", { id: root.id + "-input", rows: "2", placeholder: "Ask a question…", required: true });
    this.send = el("button", { type: "submit", class: "button primary" }, "Ask");
    this.form = el("form", { class: "chat-form" },
      el("label", { for: this.input.id, class: "sr-only" }, "Your question"), this.input, this.send);
    this.form.addEventListener("submit", (event) => { event.preventDefault(); this.ask(); });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); this.ask(); }
    });
    this.log.append(this.greeting);
    root.replaceChildren(this.log, this.form);
  }

  /** Shows a stored chat (`GET /v1/chats/{id}`). */
  async open(chatId) {
    const chat = await api(`/v1/chats/${chatId}`);
    this.chatId = chat.id;
    this.documentIds = chat.documentIds?.length ? chat.documentIds : null;
    this.log.replaceChildren(this.greeting);
    for (const message of chat.messages || []) {
      if (message.role === "user") this.log.append(userBubble(message.content));
      else {
        const bubble = this.assistantBubble();
        bubble.text.textContent = message.content;
        this.finish(bubble, { answer: message.content, found: message.found !== false, citations: message.citations || [] }, false);
      }
    }
    return chat;
  }

  reset(documentIds = null) {
    this.chatId = null;
    this.documentIds = documentIds;
    this.log.replaceChildren(this.greeting);
  }

  assistantBubble() {
    const text = el("p", { class: "answer-text" });
    const sources = el("ol", { class: "footnotes", role: "list", "aria-label": "Sources" });
    const node = el("li", { class: "bubble assistant" }, text, sources);
    this.log.append(node);
    return { node, text, sources, count: 0 };
  }

  footnoteButton(bubble, citation) {
    const number = ++bubble.count;
    const where = citation.title ? `${citation.title}, p. ${citation.page}` : `p. ${citation.page}`;
    const label = `Source ${number}: ${citation.title ? citation.title + ", " : ""}page ${citation.page}`;
    const marker = el("button", { type: "button", class: "cite-marker", "aria-label": label, onclick: () => this.onCite?.(citation) }, String(number));
    const note = el("li", {},
      el("button", { type: "button", class: "footnote", onclick: () => this.onCite?.(citation), "aria-label": `${label}, show in the text` },
        el("span", { class: "footnote-number", "aria-hidden": "true" }, `${number}.`),
        el("span", { class: "footnote-page" }, where), " ", el("q", {}, shorten(citation.quote, 180))));
    bubble.sources.append(note);
    return marker;
  }

  finish(bubble, done, live = true) {
    if (!live || !bubble.count) {
      for (const citation of done.citations || []) {
        const marker = this.footnoteButton(bubble, citation);
        bubble.text.append(" ", el("sup", {}, marker));
      }
    }
    if (!done.found) bubble.node.classList.add("not-found");
    if (done.fallback) bubble.node.append(el("p", { class: "bubble-note" }, `Answered from the document's own sentences: ${done.fallback}`));
    bubble.node.append(el("div", { class: "bubble-tools" },
      el("button", { type: "button", class: "button subtle small", onclick: () => copyText(done.answer) }, "Copy")));
  }

  async ask() {
    const question = this.input.value.trim();
    if (!question || this.send.disabled) return;
    this.send.disabled = true;
    this.send.classList.add("busy");
    this.log.append(userBubble(question));
    this.input.value = "";
    const bubble = this.assistantBubble();
    bubble.node.classList.add("streaming");
    bubble.text.textContent = "Thinking…";
    try {
      if (!this.chatId) {
        const chat = await api("/v1/chats", { method: "POST", json: this.documentIds ? { documentIds: this.documentIds, title: question.slice(0, 80) } : { title: question.slice(0, 80) } });
        this.chatId = chat.id;
        this.onCreated?.(chat);
      }
      await this.stream(question, bubble);
    } catch (error) {
      bubble.node.classList.add("error");
      bubble.text.textContent = error.message;
    } finally {
      bubble.node.classList.remove("streaming");
      this.send.disabled = false;
      this.send.classList.remove("busy");
      this.input.focus();
    }
  }

  /** POSTs the question asking for `text/event-stream` and renders `citation`, `delta` and `done` as they come. */
  async stream(question, bubble, retry = true) {
    const response = await fetch(`/v1/chats/${this.chatId}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream", ...authHeaders() },
      body: JSON.stringify({ content: question }),
    });
    if (response.status === 401 && retry) {
      await renewOrSignIn();
      return this.stream(question, bubble, false);
    }
    if (!response.ok) throw await errorFrom(response);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let started = false;
    let streamed = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let boundary;
      while ((boundary = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const name = /^event: (.*)$/m.exec(block)?.[1];
        const data = block.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
        if (!name || !data) continue;
        const payload = JSON.parse(data);
        if (name === "error") throw new Error(payload.error?.message || "The answer could not be written.");
        if (!started) { bubble.text.textContent = ""; started = true; }
        // Deltas are the answer's text as it is written; a citation follows the text it supports.
        if (name === "citation") bubble.text.append(el("sup", {}, this.footnoteButton(bubble, payload)));
        else if (name === "delta") {
          streamed += payload.text;
          bubble.text.append(payload.text);
        } else if (name === "done") {
          if (!streamed) bubble.text.textContent = payload.answer;
          this.finish(bubble, payload);
        }
      }
    }
  }
}

function userBubble(text) {
  return el("li", { class: "bubble user" }, el("p", {}, text));
}

function shorten(text, length) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > length ? flat.slice(0, length - 1) + "…" : flat;
}
