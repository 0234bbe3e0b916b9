// Profile: account facts, theme saved per user, social links, password change, passkeys and API keys.
import { api, requireSession, session, applyTheme, el, toast, formError, busy, formatDate, copyText, confirmAction } from "./app.js";
import { passkeysSupported, createPasskey, passkeyProblem } from "./passkeys.js";

requireSession();

const NETWORK_URLS = {
  github: "https://github.com/", linkedin: "https://www.linkedin.com/in/", facebook: "https://www.facebook.com/",
  instagram: "https://www.instagram.com/", twitter: "https://x.com/",
};

function showProfile(profile) {
  document.getElementById("profile-email").textContent = profile.email;
  document.getElementById("stat-documents").textContent = profile.documentCount.toLocaleString();
  const days = Math.floor((Date.now() - new Date(profile.createdAt).getTime()) / 86400000);
  document.getElementById("stat-days").textContent = days.toLocaleString();
  document.getElementById("stat-joined").textContent = formatDate(profile.createdAt);
  for (const input of document.querySelectorAll('#theme-form input[name="theme"]')) input.checked = input.value === profile.theme;
  const form = document.getElementById("social-form");
  const links = document.getElementById("social-links");
  links.replaceChildren();
  for (const [network, base] of Object.entries(NETWORK_URLS)) {
    const handle = profile.socialLinks[network] || "";
    form.elements[network].value = handle;
    if (handle) {
      links.append(el("li", {}, el("a", { href: base + encodeURIComponent(handle), rel: "noopener noreferrer", target: "_blank" },
        `${form.querySelector(`label[for="social-${network}"]`).textContent}: ${handle}`)));
    }
  }
}

document.getElementById("theme-form").addEventListener("change", async (event) => {
  const choice = event.target.value;
  applyTheme(choice);
  try {
    await api("/v1/me", { method: "PATCH", json: { theme: choice } });
    toast("Theme saved.");
  } catch (error) { toast(error.message, "error"); }
});

const social = document.getElementById("social-form");
social.addEventListener("submit", async (event) => {
  event.preventDefault();
  formError(social, null);
  const socialLinks = Object.fromEntries(Object.keys(NETWORK_URLS).map((network) => [network, social.elements[network].value.trim()]));
  await busy(social.querySelector('button[type="submit"]'), async () => {
    try {
      showProfile(await api("/v1/me", { method: "PATCH", json: { socialLinks } }));
      toast("Links saved.");
    } catch (error) { formError(social, error.message); }
  });
});

const password = document.getElementById("password-form");
password.addEventListener("submit", async (event) => {
  event.preventDefault();
  formError(password, null);
  const currentPassword = password.currentPassword.value;
  const newPassword = password.newPassword.value;
  if (!currentPassword) return formError(password, "Enter your current password.");
  if (newPassword.length < 8) return formError(password, "The new password must have at least 8 characters.");
  await busy(password.querySelector('button[type="submit"]'), async () => {
    try {
      session.set(await api("/v1/me/password", { method: "POST", json: { currentPassword, newPassword } }));
      password.reset();
      toast("Password changed. Other sessions have been signed out and your API keys revoked.");
      loadKeys().catch(() => {});
    } catch (error) { formError(password, error.message); }
  });
});

async function loadKeys() {
  const keys = await api("/v1/me/api-keys");
  document.getElementById("key-list").replaceChildren(...(keys.length ? keys.map((key) => el("li", { class: "key-row" },
    el("span", {}, el("strong", {}, key.name || "Unnamed key"), " ", el("code", {}, key.prefix + "…")),
    el("span", { class: "muted small" }, "created " + formatDate(key.createdAt) + (key.lastUsedAt ? " · last used " + formatDate(key.lastUsedAt) : " · never used")
      + (key.revokedAt ? " · revoked " + formatDate(key.revokedAt) : "")),
    key.revokedAt ? el("span", { class: "chip" }, "Revoked") : el("button", { type: "button", class: "button danger subtle small", "aria-label": `Revoke key ${key.name}`, onclick: async () => {
      if (!(await confirmAction(`Anything using “${key.name}” will stop working at once.`, { title: "Revoke this key?", confirmLabel: "Revoke" }))) return;
      try { await api(`/v1/me/api-keys/${key.id}`, { method: "DELETE" }); loadKeys(); } catch (error) { toast(error.message, "error"); }
    } }, "Revoke"))) : [el("li", { class: "muted small" }, "No keys.")]));
}

document.getElementById("key-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  await busy(form.querySelector("button"), async () => {
    try {
      const key = await api("/v1/me/api-keys", { method: "POST", json: { name: form.elements.namedItem("name").value.trim() || undefined } });
      const box = document.getElementById("new-key");
      box.hidden = false;
      box.replaceChildren("Your new key (shown only now): ", el("code", {}, key.key), " ",
        el("button", { type: "button", class: "button subtle small", onclick: () => copyText(key.key) }, "Copy"));
      form.reset();
      loadKeys();
    } catch (error) { toast(error.message, "error"); }
  });
});

async function loadPasskeys() {
  const userId = session.get().user.id;
  const { passkeys } = await api(`/passkeys/${encodeURIComponent(userId)}`);
  document.getElementById("passkey-list").replaceChildren(...(passkeys.length ? passkeys.map((passkey) => el("li", { class: "key-row" },
    el("span", {}, el("strong", {}, passkey.name), passkey.deviceType === "multiDevice" ? " (synced)" : ""),
    el("span", { class: "muted small" }, "added " + formatDate(passkey.createdAt) + (passkey.lastUsedAt ? " · last used " + formatDate(passkey.lastUsedAt) : " · never used")),
    el("button", { type: "button", class: "button subtle small", "aria-label": `Rename passkey ${passkey.name}`, onclick: async () => {
      const name = prompt("A new name for this passkey", passkey.name);
      if (name === null || !name.trim()) return;
      try { await api(`/passkeys/${encodeURIComponent(userId)}/${encodeURIComponent(passkey.id)}`, { method: "PATCH", json: { name } }); loadPasskeys(); }
      catch (error) { toast(error.message, "error"); }
    } }, "Rename"),
    el("button", { type: "button", class: "button danger subtle small", "aria-label": `Remove passkey ${passkey.name}`, onclick: async () => {
      if (!(await confirmAction(`“${passkey.name}” will no longer sign you in.`, { title: "Remove this passkey?", confirmLabel: "Remove" }))) return;
      try { await api(`/passkeys/${encodeURIComponent(userId)}/${encodeURIComponent(passkey.id)}`, { method: "DELETE" }); loadPasskeys(); }
      catch (error) { toast(error.message, "error"); }
    } }, "Remove"))) : [el("li", { class: "muted small" }, "No passkeys.")]));
}

document.getElementById("passkey-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  await busy(form.querySelector("button"), async () => {
    try {
      const { flowId, options } = await api("/passkey/register/options", { method: "POST", json: {} });
      const response = await createPasskey(options);
      await api("/passkey/register/verify", { method: "POST", json: { flowId, response, name: form.elements.namedItem("name").value.trim() || undefined } });
      form.reset();
      toast("Passkey added. You can sign in with it now.");
      loadPasskeys();
    } catch (error) { toast(passkeyProblem(error), "error"); }
  });
});

if (!passkeysSupported()) {
  document.getElementById("passkey-form").hidden = true;
  document.getElementById("passkey-unsupported").hidden = false;
}
loadPasskeys().catch((error) => toast(error.message, "error"));

api("/v1/me").then((profile) => { applyTheme(profile.theme); showProfile(profile); })
  .catch((error) => { document.getElementById("profile-email").textContent = error.message; });
loadKeys().catch((error) => toast(error.message, "error"));
