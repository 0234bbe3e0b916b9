// Shared by every page: the session, the API client, theme, toasts, confirmation and small DOM helpers.

const SESSION_KEY = "docuthinker.session";
const THEME_KEY = "docuthinker.theme";

/** The signed-in session kept in localStorage: tokens and the user. */
export const session = {
  get() {
    try { return JSON.parse(localStorage.getItem(SESSION_KEY)); } catch { return null; }
  },
  set(tokens) {
    localStorage.setItem(SESSION_KEY, JSON.stringify({
      accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, user: tokens.user,
    }));
  },
  clear() { localStorage.removeItem(SESSION_KEY); },
};

/** An error answered by the API: `{error: {code, message, details}}`. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

let refreshing = null;

/**
 * Trades the refresh token for a new pair (once for all callers waiting at the same time);
 * resolves false when the session cannot be renewed.
 */
function renewSession() {
  const current = session.get();
  if (!current || !current.refreshToken) return Promise.resolve(false);
  refreshing ??= fetch("/v1/auth/refresh", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refreshToken: current.refreshToken }),
  }).then(async (response) => {
    if (!response.ok) return false;
    session.set(await response.json());
    return true;
  }).catch(() => false).finally(() => { refreshing = null; });
  return refreshing;
}

/** `Authorization` for the signed-in user (empty when signed out), for requests made without `api`. */
export function authHeaders() {
  const current = session.get();
  return current ? { Authorization: "Bearer " + current.accessToken } : {};
}

/** After a 401: renews the session, or sends the user to log in and throws. */
export async function renewOrSignIn() {
  if (await renewSession()) return;
  signInAgain();
  throw new ApiError(401, "session_expired", "Your session has ended. Please log in again.");
}

/** Sends the user to the landing page to sign in, coming back here afterwards. */
export function signInAgain() {
  session.clear();
  const next = location.pathname + location.search + location.hash;
  location.assign("/?next=" + encodeURIComponent(next));
}

/**
 * Calls the API with the bearer token, renewing it once on 401. Returns parsed JSON (or the raw
 * Response with `raw: true`); throws ApiError with the server's code and message.
 */
export async function api(path, options = {}) {
  const { method = "GET", json, body, headers = {}, raw = false, signal, retry = true } = options;
  const allHeaders = { ...headers, ...authHeaders() };
  if (json !== undefined) allHeaders["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers: allHeaders, body: json !== undefined ? JSON.stringify(json) : body, signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, "network", "The server could not be reached. Check your connection and try again.");
  }
  if (response.status === 401 && retry && session.get()) {
    await renewOrSignIn();
    return api(path, { ...options, retry: false });
  }
  if (!response.ok) throw await errorFrom(response);
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

/** Every document of the signed-in user, newest first (the list is paged by 200). */
export async function loadAllDocuments() {
  const all = [];
  for (let offset = 0; ; offset += 200) {
    const page = await api(`/v1/documents?limit=200&offset=${offset}`);
    all.push(...page);
    if (page.length < 200) return all;
  }
}

/** The ApiError of a failed response (also for non-JSON bodies). */
export async function errorFrom(response) {
  let payload = null;
  try { payload = await response.json(); } catch { /* not JSON */ }
  const error = payload && payload.error;
  if (error) return new ApiError(response.status, error.code, error.message, error.details);
  return new ApiError(response.status, "http_" + response.status, `The server answered ${response.status}. Please try again.`);
}

/** Page scripts of the signed-in app call this first; without a session it leaves for the landing page. */
export function requireSession() {
  const current = session.get();
  if (!current) { signInAgain(); throw new Error("not signed in"); }
  return current;
}

// ---- theme ----

function systemPrefersDark() { return matchMedia("(prefers-color-scheme: dark)").matches; }

/** Applies `system`, `light` or `dark` and remembers it in this browser. */
export function applyTheme(choice) {
  localStorage.setItem(THEME_KEY, choice);
  const dark = choice === "dark" || (choice === "system" && systemPrefersDark());
  document.documentElement.dataset.theme = dark ? "dark" : "light";
  const toggle = document.getElementById("theme-toggle");
  if (toggle) toggle.setAttribute("aria-label", dark ? "Use light theme" : "Use dark theme");
  document.dispatchEvent(new CustomEvent("themechange", { detail: { choice } }));
}

/** Saves the theme to the account (when signed in) as well as in this browser. */
export async function saveTheme(choice) {
  applyTheme(choice);
  if (session.get()) await api("/v1/me", { method: "PATCH", json: { theme: choice } });
}

// ---- feedback ----

/** A short message at the bottom of the screen; errors stay 6 s, others 3 s. */
export function toast(message, kind = "info") {
  const box = document.getElementById("toasts");
  if (!box) return;
  const item = el("div", { class: "toast " + kind, role: kind === "error" ? "alert" : null }, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === "error" ? 6000 : 3000);
}

/** Asks before something irreversible; resolves true when confirmed. */
export function confirmAction(message, { title = "Are you sure?", confirmLabel = "Delete" } = {}) {
  const dialog = document.getElementById("confirm-dialog");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-message").textContent = message;
  document.getElementById("confirm-ok").textContent = confirmLabel;
  dialog.returnValue = "";
  dialog.showModal();
  document.getElementById("confirm-cancel").focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
  });
}

/** Shows a form's error line (or hides it with null). */
export function formError(form, message) {
  const line = form.querySelector(".form-error");
  if (!line) return;
  line.textContent = message || "";
  line.hidden = !message;
}

/** Disables a button and shows a spinner in it while `work` runs. */
export async function busy(button, work) {
  button.disabled = true;
  button.classList.add("busy");
  button.setAttribute("aria-busy", "true");
  try { return await work(); } finally {
    button.disabled = false;
    button.classList.remove("busy");
    button.removeAttribute("aria-busy");
  }
}

/**
 * Makes `tabs` (role=tab buttons whose aria-controls name their panels) a tab list: a click, the
 * arrow keys, Home or End select a tab and show its panel; `onSelect(tab)` runs after each
 * selection. Returns `select(tab, focus)`.
 */
export function tabList(tabs, onSelect = () => {}) {
  function select(tab, focus = false) {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    if (focus) tab.focus();
    onSelect(tab);
  }
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      select(tabs[(moves[event.key] + tabs.length) % tabs.length], true);
    });
  });
  return select;
}

// ---- DOM and formatting ----

/** Creates an element; attributes with null/false are skipped, children are nodes or text. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function formatBytes(bytes) {
  if (bytes < 1000) return bytes + " B";
  if (bytes < 1e6) return (bytes / 1e3).toFixed(bytes < 1e4 ? 1 : 0) + " kB";
  return (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0) + " MB";
}

export function formatDate(iso, withTime = false) {
  const date = new Date(iso);
  return withTime ? date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })
    : date.toLocaleDateString(undefined, { dateStyle: "medium" });
}

export function plural(count, word, pluralWord = word + "s") {
  return `${count.toLocaleString()} ${count === 1 ? word : pluralWord}`;
}

/** Copies text and says so. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    toast("Copied to clipboard.");
  } catch {
    toast("Copying is not allowed here; select the text and copy it instead.", "error");
  }
}

// ---- page chrome ----

function initChrome() {
  const toggle = document.getElementById("theme-toggle");
  if (toggle) {
    applyTheme(localStorage.getItem(THEME_KEY) || "system");
    toggle.addEventListener("click", () => {
      const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
      saveTheme(next).catch(() => toast("The theme is saved in this browser only (the server did not answer).", "error"));
    });
  }
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    if ((localStorage.getItem(THEME_KEY) || "system") === "system") applyTheme("system");
  });
  const logout = document.getElementById("logout");
  if (logout) {
    logout.addEventListener("click", async () => {
      const current = session.get();
      if (current) {
        await api("/v1/auth/logout", { method: "POST", json: { refreshToken: current.refreshToken }, retry: false }).catch(() => {});
      }
      session.clear();
      location.assign("/");
    });
  }
  // Another tab logged out: leave the signed-in pages here too.
  window.addEventListener("storage", (event) => {
    if (event.key === SESSION_KEY && !event.newValue && document.body.dataset.page !== "landing") location.assign("/");
  });
}

initChrome();

/** Applies the theme saved on the account (app pages call this once); returns the profile. */
export async function syncProfile() {
  const profile = await api("/v1/me");
  if (profile.theme && profile.theme !== localStorage.getItem(THEME_KEY)) applyTheme(profile.theme);
  return profile;
}
