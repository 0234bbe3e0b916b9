// Landing page: log in (password or passkey), create an account, ask for a password reset; and the reset-password page.
import { api, session, formError, busy, toast, tabList } from "./app.js";
import { passkeysSupported, usePasskey, passkeyProblem } from "./passkeys.js";

function nextPage() {
  const next = new URLSearchParams(location.search).get("next");
  return next && next.startsWith("/app") ? next : "/app";
}

/** Public auth calls: no session to renew, so a 401 is the answer itself. */
function post(path, json) {
  return api(path, { method: "POST", json, retry: false });
}

/** What is wrong with a new password and its confirmation, or null. */
function passwordProblem(password, confirmation) {
  if (password.length < 8) return "The password must have at least 8 characters.";
  if (password !== confirmation) return "The two passwords are not the same.";
  return null;
}

function initTabs() {
  const tabs = [...document.querySelectorAll('.auth-card [role="tab"]')];
  const forgot = document.getElementById("panel-forgot");
  const select = tabList(tabs, () => { forgot.hidden = true; });
  select(tabs.find((tab) => tab.getAttribute("aria-selected") === "true") || tabs[0]);
  document.getElementById("show-forgot").addEventListener("click", () => {
    document.getElementById("panel-login").hidden = true;
    forgot.hidden = false;
    document.getElementById("forgot-email").value = document.getElementById("login-email").value;
    document.getElementById("forgot-email").focus();
  });
  document.getElementById("back-to-login").addEventListener("click", () => select(tabs[0], true));
}

function initAuthForms() {
  const login = document.getElementById("panel-login");
  login.addEventListener("submit", async (event) => {
    event.preventDefault();
    formError(login, null);
    const email = login.email.value.trim();
    const password = login.password.value;
    if (!email || !password) return formError(login, "Enter your email and password.");
    await busy(login.querySelector('button[type="submit"]'), async () => {
      try {
        session.set(await post("/v1/auth/login", { email, password }));
        location.assign(nextPage());
      } catch (error) {
        formError(login, error.status === 401 ? "The email or password is incorrect." : error.message);
      }
    });
  });
  // A passkey: the browser offers the discoverable credentials it has for this site (or the
  // typed email's, when one is filled in).
  const passkey = document.getElementById("passkey-login");
  passkey.hidden = !passkeysSupported();
  passkey.addEventListener("click", async () => {
    formError(login, null);
    await busy(passkey, async () => {
      try {
        const email = login.email.value.trim();
        const { flowId, options } = await post("/passkey/authenticate/options", email ? { email } : {});
        session.set(await post("/passkey/authenticate/verify", { flowId, response: await usePasskey(options) }));
        location.assign(nextPage());
      } catch (error) {
        formError(login, error.status === 401 ? "This passkey is not registered for an account here." : passkeyProblem(error));
      }
    });
  });
  const reveal = login.querySelector(".reveal");
  reveal.addEventListener("click", () => {
    const shown = login.password.type === "text";
    login.password.type = shown ? "password" : "text";
    reveal.textContent = shown ? "Show" : "Hide";
    reveal.setAttribute("aria-pressed", String(!shown));
  });

  const register = document.getElementById("panel-register");
  register.addEventListener("submit", async (event) => {
    event.preventDefault();
    formError(register, null);
    const email = register.email.value.trim();
    const password = register.password.value;
    if (!email) return formError(register, "Enter your email address.");
    const problem = passwordProblem(password, register.confirm.value);
    if (problem) return formError(register, problem);
    await busy(register.querySelector('button[type="submit"]'), async () => {
      try {
        const answer = await post("/v1/auth/register", { email, password });
        if (answer.status === "confirmation_sent") {
          // This server confirms emails first: the account is made when the mailed link is opened.
          const success = register.querySelector(".form-success");
          success.textContent = answer.message;
          success.hidden = false;
          register.reset();
          return;
        }
        session.set(answer);
        location.assign("/app/upload");
      } catch (error) {
        formError(register, error.message);
      }
    });
  });

  const forgot = document.getElementById("panel-forgot");
  forgot.addEventListener("submit", async (event) => {
    event.preventDefault();
    formError(forgot, null);
    const success = forgot.querySelector(".form-success");
    success.hidden = true;
    const email = forgot.email.value.trim();
    if (!email) return formError(forgot, "Enter the email of your account.");
    await busy(forgot.querySelector('button[type="submit"]'), async () => {
      try {
        const answer = await post("/v1/auth/password-reset", { email });
        success.textContent = answer.message;
        success.hidden = false;
      } catch (error) {
        formError(forgot, error.message);
      }
    });
  });
}

function initReset() {
  const form = document.getElementById("reset-form");
  const token = new URLSearchParams(location.search).get("token");
  if (!token) formError(form, "This page needs the link you were given; it carries a one-time token.");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    formError(form, null);
    const password = form.password.value;
    const problem = passwordProblem(password, form.confirm.value);
    if (problem) return formError(form, problem);
    await busy(form.querySelector('button[type="submit"]'), async () => {
      try {
        await post("/v1/auth/password-reset/confirm", { token, password });
        const success = form.querySelector(".form-success");
        success.textContent = "Your password is changed. You can log in with it now.";
        success.hidden = false;
        toast("Password changed.");
        setTimeout(() => location.assign("/"), 1500);
      } catch (error) {
        formError(form, error.message);
      }
    });
  });
}

/** A mailed sign-up link (`/?signup=…`): finish the account and sign in. */
async function finishSignup(token) {
  const register = document.getElementById("panel-register");
  document.getElementById("tab-register").click();
  history.replaceState(null, "", "/");
  try {
    session.set(await post("/v1/auth/register/confirm", { token }));
    toast("Account created.");
    location.assign("/app/upload");
  } catch (error) {
    formError(register, error.message);
  }
}

if (document.body.dataset.page === "reset") {
  initReset();
} else {
  const signup = new URLSearchParams(location.search).get("signup");
  if (!signup && session.get()) location.replace(nextPage());
  initTabs();
  initAuthForms();
  if (signup) finishSignup(signup);
}
