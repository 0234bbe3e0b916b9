// Library chat: past chats on the side, questions about all documents or one, citations that open the source.
import { api, loadAllDocuments, requireSession, syncProfile, el, toast, confirmAction, formatDate } from "./app.js";
import { ChatPanel } from "./chat_panel.js";

requireSession();
syncProfile().catch(() => {});

const list = document.getElementById("chat-list");
const scope = document.getElementById("chat-scope");
const title = document.getElementById("chat-title");
const titles = {};

const panel = new ChatPanel(document.getElementById("library-chat"), {
  onCite: (citation) => location.assign(`/app/documents/${citation.documentId}#cite=${citation.start}-${citation.end}`),
  onCreated: (chat) => {
    history.replaceState(null, "", `/app/chat?c=${chat.id}`);
    title.textContent = chat.title;
    loadChats(chat.id);
  },
});

function scopeIds() { return scope.value ? [scope.value] : null; }

async function loadChats(current) {
  try {
    const chats = await api("/v1/chats");
    list.replaceChildren(...chats.map((chat) => el("li", { class: "chat-entry" },
      el("a", { href: `/app/chat?c=${chat.id}`, "aria-current": chat.id === current ? "page" : null,
        onclick: (event) => { event.preventDefault(); openChat(chat.id); } },
        el("span", { class: "chat-entry-title" }, chat.title || "Untitled chat"),
        el("span", { class: "muted small" }, (chat.documentIds?.length === 1 ? (titles[chat.documentIds[0]] || "One document") : "All documents") + " · " + formatDate(chat.updatedAt))),
      el("button", { type: "button", class: "icon-button small", "aria-label": `Delete chat ${chat.title}`, onclick: () => removeChat(chat) }, "✕"))));
    if (!chats.length) list.replaceChildren(el("li", { class: "muted small" }, "No chats yet."));
  } catch (error) { toast(error.message, "error"); }
}

async function openChat(id) {
  try {
    const chat = await panel.open(id);
    title.textContent = chat.title || "Chat";
    scope.value = chat.documentIds?.length === 1 ? chat.documentIds[0] : "";
    history.replaceState(null, "", `/app/chat?c=${id}`);
    loadChats(id);
  } catch (error) { toast(error.status === 404 ? "This chat no longer exists." : error.message, "error"); }
}

async function removeChat(chat) {
  if (!(await confirmAction(`The chat “${chat.title}” and its messages will be deleted.`, { title: "Delete this chat?" }))) return;
  try {
    await api(`/v1/chats/${chat.id}`, { method: "DELETE" });
    if (panel.chatId === chat.id) newChat();
    loadChats(panel.chatId);
  } catch (error) { toast(error.message, "error"); }
}

function newChat() {
  panel.reset(scopeIds());
  title.textContent = "New chat";
  history.replaceState(null, "", "/app/chat");
  loadChats(null);
  panel.input.focus();
}

document.getElementById("new-chat").addEventListener("click", newChat);
scope.addEventListener("change", () => { if (!panel.chatId) panel.reset(scopeIds()); else newChat(); });

async function init() {
  try {
    const documents = await loadAllDocuments();
    for (const doc of documents) {
      titles[doc.id] = doc.title;
      scope.append(el("option", { value: doc.id }, doc.title));
    }
  } catch (error) { toast(error.message, "error"); }
  const current = new URLSearchParams(location.search).get("c");
  if (current) openChat(current); else loadChats(null);
}
init();
