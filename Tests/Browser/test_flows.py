"""Real user flows of the web client in headless Chromium, against a real server."""
import json
import os
import re
import sqlite3
import subprocess
import time
import unicodedata

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import BINARY, FIXTURES, MAX_UPLOAD_BYTES, sign_in, visible, wait, severe_console_errors


def flat(text):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def fill_in_registration(driver, server, email):
    """Opens the landing page signed out and sends its registration form."""
    driver.get(server.url + "/")
    driver.execute_script("localStorage.clear()")
    driver.get(server.url + "/")
    driver.find_element(By.ID, "tab-register").click()
    visible(driver, "#register-email").send_keys(email)
    driver.find_element(By.ID, "register-password").send_keys("correct horse battery")
    driver.find_element(By.ID, "register-confirm").send_keys("correct horse battery")
    driver.find_element(By.CSS_SELECTOR, "#panel-register button[type=submit]").click()


def test_register_upload_summary_chat_citation_delete(driver, server):
    """register → upload a PDF → see its summary → ask a question → click a citation → span highlighted → delete."""
    email = f"flow-{int(time.time() * 1000)}@example.com"
    fill_in_registration(driver, server, email)
    wait(driver).until(lambda d: d.current_url.endswith("/app/upload"))

    # Upload through the file picker; the item goes through upload → processing → indexing → ready.
    visible(driver, "#dropzone")
    driver.find_element(By.ID, "file-input").send_keys(str(FIXTURES / "sample.pdf"))
    item = visible(driver, ".upload-item")
    wait(driver, 90).until(lambda d: item.get_attribute("data-state") == "done")
    assert "Ready" in item.find_element(By.CLASS_NAME, "upload-status").text
    assert item.find_element(By.TAG_NAME, "progress").get_attribute("value") == "100"
    item.find_element(By.LINK_TEXT, "Open").click()

    # The summary cites its sentences; a citation highlights exactly its quote in the source pane.
    wait(driver).until(lambda d: d.find_element(By.ID, "doc-title").text not in ("", "Loading…"))
    # The same title as an upload without one through the API (the PDF's own title), not the file name.
    assert driver.find_element(By.ID, "doc-title").text == "River Study Report"
    chip = visible(driver, '.analysis[data-kind="summary"] .cite-chip')
    assert driver.find_elements(By.CSS_SELECTOR, '.analysis[data-kind="summary"] .insight')
    visible(driver, "#source-text .page")
    chip.click()
    mark = visible(driver, "mark.cite-highlight")
    assert flat(mark.text) == flat(chip.get_attribute("title"))
    status = driver.find_element(By.ID, "source-status").text
    assert re.match(r"Page \d+ · characters [\d,]+–[\d,]+", status)
    # The page selector follows the citation (#16): moved elsewhere, a click on the citation brings it
    # back to the page the status names.
    cited_page = re.match(r"Pages? (\d+)", status).group(1)
    other_page = "2" if cited_page != "2" else "3"
    driver.execute_script("document.getElementById('page-jump').value = arguments[0]", other_page)
    chip.click()
    wait(driver).until(lambda d: d.find_element(By.ID, "page-jump").get_attribute("value") == cited_page)

    # Ask a question in the document's chat; the streamed answer carries numbered sources.
    driver.find_element(By.ID, "tab-chat").click()
    box = visible(driver, "#document-chat textarea")
    box.send_keys("How much water did Dr. Smith measure?")
    box.send_keys(Keys.ENTER)
    answer = wait(driver, 60).until(lambda d: d.find_element(By.CSS_SELECTOR, ".bubble.assistant:not(.streaming)"))
    assert "not-found" not in answer.get_attribute("class"), answer.text
    footnote = answer.find_element(By.CSS_SELECTOR, ".footnote")
    # Each footnote's number sits on the first line of its text (#16), numbered in order.
    numbers = [n.text for n in answer.find_elements(By.CSS_SELECTOR, ".footnote-number")]
    assert numbers == [f"{i}." for i in range(1, len(numbers) + 1)] and numbers
    for note in answer.find_elements(By.CSS_SELECTOR, ".footnote"):
        number_top, first_line_top = driver.execute_script(
            "const [n, q] = arguments; return [n.getBoundingClientRect().top, q.getClientRects()[0].top];",
            note.find_element(By.CLASS_NAME, "footnote-number"), note.find_element(By.TAG_NAME, "q"))
        assert abs(number_top - first_line_top) < 6, (number_top, first_line_top)
    quote = flat(footnote.find_element(By.TAG_NAME, "q").text).rstrip("…")
    footnote.click()
    wait(driver).until(lambda d: flat(d.find_element(By.CSS_SELECTOR, "mark.cite-highlight").text).startswith(quote))
    assert re.search(r"\d", answer.find_element(By.CLASS_NAME, "answer-text").text)

    # Delete it from the library, after confirming.
    driver.get(server.url + "/app")
    row = visible(driver, ".doc-row")
    assert "1 document" in driver.find_element(By.ID, "doc-count").text
    row.find_element(By.XPATH, ".//button[text()='Delete']").click()
    visible(driver, "#confirm-dialog")
    driver.find_element(By.ID, "confirm-ok").click()
    visible(driver, "#empty-library")
    assert not driver.find_elements(By.CSS_SELECTOR, ".doc-row")
    assert driver.find_element(By.ID, "doc-count").text == "No documents yet"
    assert not severe_console_errors(driver)


def test_upload_refusals_are_explained(driver, server, tmp_path):
    account = server.register()
    sign_in(driver, server, account)
    driver.get(server.url + "/app/upload")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_UPLOAD_BYTES + 1))
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"This is not a PDF at all, only words pretending to be one.\x00\x01\x02")
    gif = tmp_path / "animation.gif"
    gif.write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    picker = driver.find_element(By.ID, "file-input")
    picker.send_keys("\n".join(str(path) for path in (FIXTURES / "encrypted.pdf", FIXTURES / "image.png", big, fake, gif)))
    wait(driver, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '.upload-item[data-state="failed"]')) == 5)
    messages = {item.get_attribute("data-name"): item.find_element(By.CLASS_NAME, "upload-status").text
                for item in driver.find_elements(By.CSS_SELECTOR, ".upload-item")}
    assert "password-protected" in messages["encrypted.pdf"]
    assert "damaged" in messages["image.png"], "a PNG is read by OCR, but this one is only a header"
    assert "not supported" in messages["animation.gif"]
    assert "larger than the 3 MB limit" in messages["big.txt"]
    assert "damaged" in messages["report.pdf"] or "not supported" in messages["report.pdf"]
    assert server.request("GET", "/v1/documents", token=account["tokens"]["accessToken"]) == []


def test_a_scan_is_read_by_ocr_with_its_progress_shown(driver, server):
    """A PNG scan (scripts/make-scans) is uploaded, read page by page in the job's OCR stage, and
    its document page says the text came from OCR, with the confidence."""
    scan = FIXTURES.parent.parent / "test-data" / "scans" / "page.png"
    assert scan.exists(), "run scripts/make-scans"
    account = server.register()
    sign_in(driver, server, account)
    driver.get(server.url + "/app/upload")
    driver.execute_script("""
        window.__statuses = [];
        new MutationObserver(() => document.querySelectorAll('.upload-status').forEach((node) => {
          if (window.__statuses[window.__statuses.length - 1] !== node.textContent) window.__statuses.push(node.textContent);
        })).observe(document.body, {subtree: true, childList: true, characterData: true});""")
    driver.find_element(By.ID, "file-input").send_keys(str(scan))
    wait(driver, 120).until(lambda d: d.find_elements(By.CSS_SELECTOR, '.upload-item[data-state="done"]'))
    statuses = driver.execute_script("return window.__statuses")
    assert any(s.startswith("Reading scanned pages (OCR)") for s in statuses), statuses
    documents = server.request("GET", "/v1/documents", token=account["tokens"]["accessToken"])
    assert [d["format"] for d in documents] == ["png"]
    driver.get(server.url + "/app/documents/" + documents[0]["id"])
    note = visible(driver, "#doc-ocr")
    assert re.match(r"Every page read from images by OCR \(mean confidence (8|9)\d%\)", note.text), note.text
    wait(driver, 30).until(lambda d: len(d.find_element(By.ID, "source-text").text) > 1000)


def test_the_same_file_twice_is_recognised_and_the_existing_document_offered(driver, server):
    account = server.register()
    sign_in(driver, server, account)
    driver.get(server.url + "/app/upload")
    driver.find_element(By.ID, "file-input").send_keys(str(FIXTURES / "sample.md"))
    wait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, '.upload-item[data-state="done"]'))
    existing = server.request("GET", "/v1/documents", token=account["tokens"]["accessToken"])
    assert len(existing) == 1
    driver.find_element(By.ID, "file-input").send_keys(str(FIXTURES / "sample.md"))
    item = wait(driver, 60).until(lambda d: (d.find_elements(By.CSS_SELECTOR, '.upload-item[data-state="duplicate"]') or [None])[0])
    status = item.find_element(By.CLASS_NAME, "upload-status").text
    assert "already uploaded this file" in status and existing[0]["title"] in status
    link = item.find_element(By.LINK_TEXT, "Open it")
    assert link.get_attribute("href").endswith("/app/documents/" + existing[0]["id"])
    assert len(server.request("GET", "/v1/documents", token=account["tokens"]["accessToken"])) == 1, "nothing new was stored"
    # A second copy on purpose.
    item.find_element(By.XPATH, ".//button[text()='Upload a second copy']").click()
    wait(driver, 60).until(lambda d: item.get_attribute("data-state") == "done")
    assert len(server.request("GET", "/v1/documents", token=account["tokens"]["accessToken"])) == 2


def test_cancel_an_upload_stores_nothing(driver, server, tmp_path):
    account = server.register()
    sign_in(driver, server, account)
    driver.get(server.url + "/app/upload")
    # Slow the upload down so the cancel lands while bytes are still going out.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                           {"offline": False, "latency": 50, "downloadThroughput": 200_000, "uploadThroughput": 100_000})
    text = tmp_path / "notes.txt"
    text.write_text("A sentence about rivers and water quality. " * 50_000)
    driver.find_element(By.ID, "file-input").send_keys(str(text))
    item = visible(driver, ".upload-item")
    wait(driver).until(lambda d: "Uploading" in item.text)
    item.find_element(By.XPATH, ".//button[text()='Cancel']").click()
    wait(driver).until(lambda d: item.get_attribute("data-state") == "cancelled")
    time.sleep(1)
    assert server.request("GET", "/v1/documents", token=account["tokens"]["accessToken"]) == []


def test_library_search_rename_and_sort(driver, server):
    account = server.register()
    token = account["tokens"]["accessToken"]
    pdf = server.upload(token, FIXTURES / "sample.pdf")
    html = server.upload(token, FIXTURES / "sample.html")
    server.wait_indexed(token, pdf["id"])
    sign_in(driver, server, account)
    driver.get(server.url + "/app")
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".doc-row")) == 2)
    assert driver.find_element(By.ID, "doc-count").text == "2 documents"

    # Rename the HTML document inline.
    row = driver.find_element(By.CSS_SELECTOR, f'.doc-row[data-id="{html["id"]}"]')
    row.find_element(By.XPATH, ".//button[text()='Rename']").click()
    field = visible(driver, ".rename-form input")
    field.clear()
    field.send_keys("Aardvark notes", Keys.ENTER)
    wait(driver).until(lambda d: "Aardvark notes" in d.find_element(By.ID, "documents").text)
    assert server.request("GET", f"/v1/documents/{html['id']}", token=token)["title"] == "Aardvark notes"

    # Sort by title, then filter by title.
    driver.find_element(By.CSS_SELECTOR, "#sort-select option[value=title]").click()
    titles = [element.text for element in driver.find_elements(By.CSS_SELECTOR, ".doc-title")]
    assert titles == sorted(titles, key=str.lower) and titles[0] == "Aardvark notes"
    search = driver.find_element(By.ID, "search-input")
    search.send_keys("aardv")
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".doc-row")) == 1)

    # Search inside documents; a hit opens the document with the passage highlighted.
    search.clear()
    search.send_keys("water", Keys.ENTER)
    hit = wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#search-hits .hit a"))
    snippet = flat(driver.find_element(By.CSS_SELECTOR, "#search-hits .hit .snippet").text).rstrip("…")
    hit.click()
    mark = visible(driver, "mark.cite-highlight")
    assert flat(mark.text).startswith(snippet[:80])


def test_library_chat_citation_opens_the_source(driver, server):
    account = server.register()
    token = account["tokens"]["accessToken"]
    document = server.upload(token, FIXTURES / "sample.pdf")
    server.wait_indexed(token, document["id"])
    sign_in(driver, server, account)
    driver.get(server.url + "/app/chat")
    box = visible(driver, "#library-chat textarea")
    box.send_keys("How much water did Dr. Smith measure?")
    driver.find_element(By.CSS_SELECTOR, "#library-chat button[type=submit]").click()
    answer = wait(driver, 60).until(lambda d: d.find_element(By.CSS_SELECTOR, ".bubble.assistant:not(.streaming) .footnote"))
    wait(driver).until(lambda d: "?c=" in d.current_url)
    assert driver.find_elements(By.CSS_SELECTOR, "#chat-list .chat-entry")
    quote = flat(answer.find_element(By.TAG_NAME, "q").text).rstrip("…")
    # A library answer names the document with the page (#16).
    assert re.match(r"River Study Report, p\. \d+", answer.find_element(By.CLASS_NAME, "footnote-page").text)
    answer.click()
    wait(driver).until(lambda d: f"/app/documents/{document['id']}" in d.current_url)
    mark = visible(driver, "mark.cite-highlight")
    assert flat(mark.text).startswith(quote)

    # The chat is kept: reopening the chat page lists it, and opening it shows the messages.
    driver.get(server.url + "/app/chat")
    visible(driver, "#chat-list .chat-entry a").click()
    visible(driver, ".bubble.user")
    assert "Dr. Smith" in driver.find_element(By.CSS_SELECTOR, ".bubble.user").text


def test_profile_theme_follows_the_account_and_links_are_saved(driver, server):
    account = server.register()
    sign_in(driver, server, account)
    driver.get(server.url + "/app/profile")
    wait(driver).until(lambda d: d.find_element(By.ID, "profile-email").text == account["email"])
    driver.find_element(By.CSS_SELECTOR, "#theme-form input[value=dark]").click()
    wait(driver).until(lambda d: d.execute_script("return document.documentElement.dataset.theme") == "dark")
    wait(driver).until(lambda d: server.request("GET", "/v1/me", token=account["tokens"]["accessToken"])["theme"] == "dark")

    social = driver.find_element(By.ID, "social-github")
    social.send_keys("https://github.com/ada-lovelace/")
    driver.find_element(By.ID, "social-twitter").send_keys("@ada")
    driver.find_element(By.CSS_SELECTOR, "#social-form button[type=submit]").click()
    wait(driver).until(lambda d: "GitHub: ada-lovelace" in d.find_element(By.ID, "social-links").text)
    assert server.request("GET", "/v1/me", token=account["tokens"]["accessToken"])["socialLinks"] == {"github": "ada-lovelace", "twitter": "ada"}
    driver.find_element(By.ID, "social-facebook").send_keys("not a handle!")
    driver.find_element(By.CSS_SELECTOR, "#social-form button[type=submit]").click()
    assert "facebook.com" in visible(driver, "#social-form .form-error").text

    # A fresh browser (no local theme) picks the account's theme up after signing in.
    driver.delete_all_cookies()
    driver.execute_script("localStorage.clear()")
    driver.get(server.url + "/")
    assert driver.execute_script("return document.documentElement.dataset.theme") == "light"
    visible(driver, "#login-email").send_keys(account["email"])
    driver.find_element(By.ID, "login-password").send_keys(account["password"], Keys.ENTER)
    wait(driver).until(lambda d: d.current_url.endswith("/app"))
    wait(driver).until(lambda d: d.execute_script("return document.documentElement.dataset.theme") == "dark")


def test_wrong_password_and_password_reset(driver, server):
    account = server.register()
    driver.get(server.url + "/")
    visible(driver, "#login-email").send_keys(account["email"])
    driver.find_element(By.ID, "login-password").send_keys("wrong password", Keys.ENTER)
    assert visible(driver, "#panel-login .form-error").text == "The email or password is incorrect."

    driver.find_element(By.ID, "show-forgot").click()
    driver.find_element(By.CSS_SELECTOR, "#panel-forgot button[type=submit]").click()
    assert "a link to reset its password is on its way" in visible(driver, "#panel-forgot .form-success").text

    # The default mailer keeps the message in the outbox table (and writes it to the log).
    with sqlite3.connect(os.path.join(server.data, "docuthinker.sqlite")) as database:
        bodies = [row[0] for row in database.execute("SELECT body FROM outbox WHERE recipient = ?", (account["email"],))]
    assert len(bodies) == 1
    mailed = re.search(r"(\S+/reset-password\?token=\S+)", bodies[0]).group(1)
    assert mailed.startswith(server.url + "/reset-password?token=")
    # The operator's command makes one too.
    link = subprocess.run([str(BINARY), "reset-link", "--email", account["email"], "--data-dir", server.data, "--base-url", server.url],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert link.startswith(server.url + "/reset-password?token=") and link != mailed
    link = mailed
    driver.get(link)
    visible(driver, "#reset-password").send_keys("a brand new secret")
    driver.find_element(By.ID, "reset-confirm").send_keys("a brand new secret", Keys.ENTER)
    visible(driver, "#reset-form .form-success")
    wait(driver).until(lambda d: d.current_url.rstrip("/") == server.url)
    visible(driver, "#login-email").send_keys(account["email"])
    driver.find_element(By.ID, "login-password").send_keys("a brand new secret", Keys.ENTER)
    wait(driver).until(lambda d: d.current_url.endswith("/app"))

    # The link worked once only.
    driver.execute_script("localStorage.clear()")
    driver.get(link)
    visible(driver, "#reset-password").send_keys("another new secret")
    driver.find_element(By.ID, "reset-confirm").send_keys("another new secret", Keys.ENTER)
    assert "invalid, expired or already used" in visible(driver, "#reset-form .form-error").text


def test_registration_that_confirms_emails_finishes_from_the_mailed_link(driver, confirming_server):
    """Where emails are confirmed, registering says a link is on its way (the same for a taken
    email); opening the link makes the account and signs in."""
    server = confirming_server
    email = f"confirm-{int(time.time() * 1000)}@example.com"

    def register(address):
        fill_in_registration(driver, server, address)
        return visible(driver, "#panel-register .form-success").text

    said = register(email)
    assert "on its way" in said and driver.current_url.rstrip("/") == server.url
    with sqlite3.connect(os.path.join(server.data, "docuthinker.sqlite")) as database:
        body = database.execute("SELECT body FROM outbox WHERE recipient = ?", (email,)).fetchone()[0]
    link = re.search(r"(\S+/\?signup=\S+)", body).group(1)
    assert link.startswith(server.url + "/?signup=")
    driver.get(link)
    wait(driver).until(lambda d: d.current_url.endswith("/app/upload"))
    assert severe_console_errors(driver) == []

    # The same email again: the same words, and no second account.
    assert register(email) == said
    driver.get(link)   # the used link now says the account exists
    assert "sign in instead" in visible(driver, "#panel-register .form-error").text


def test_signed_out_visitor_is_sent_to_log_in_and_back(driver, server):
    account = server.register()
    driver.get(server.url + "/app/profile")
    wait(driver).until(lambda d: "/?next=" in d.current_url)
    visible(driver, "#login-email").send_keys(account["email"])
    driver.find_element(By.ID, "login-password").send_keys(account["password"], Keys.ENTER)
    wait(driver).until(lambda d: d.current_url.endswith("/app/profile"))
    driver.find_element(By.ID, "logout").click()
    wait(driver).until(lambda d: d.current_url.rstrip("/") == server.url)
    assert driver.execute_script("return localStorage.getItem('docuthinker.session')") is None


def test_an_expired_access_token_is_renewed_for_api_calls_uploads_and_chat(driver, server):
    account = server.register()
    stale = dict(account["tokens"], accessToken="expired." + account["tokens"]["accessToken"])
    sign_in(driver, server, account)
    driver.get(server.url + "/app/upload")
    visible(driver, "#dropzone")
    # Spoiled after the page has loaded, so the upload itself meets the 401 and renews.
    driver.execute_script("localStorage.setItem('docuthinker.session', arguments[0])", json.dumps(stale))
    driver.find_element(By.ID, "file-input").send_keys(str(FIXTURES / "sample.txt"))
    item = visible(driver, ".upload-item")
    wait(driver, 60).until(lambda d: item.get_attribute("data-state") == "done")
    renewed = json.loads(driver.execute_script("return localStorage.getItem('docuthinker.session')"))
    assert renewed["accessToken"] != stale["accessToken"] and renewed["refreshToken"] != stale["refreshToken"]

    driver.execute_script("localStorage.setItem('docuthinker.session', arguments[0])",
                          json.dumps(dict(renewed, accessToken="expired." + renewed["accessToken"])))
    driver.get(server.url + "/app/chat")
    box = visible(driver, "#library-chat textarea")
    # The chat is created through `api` (renewed there); spoil the token again so the stream renews too.
    driver.execute_script("""
        const s = JSON.parse(localStorage.getItem('docuthinker.session'));
        const realFetch = window.fetch;
        window.fetch = (url, init) => {
          if (String(url).endsWith('/messages')) {
            window.fetch = realFetch;
            init.headers.Authorization = 'Bearer expired';
          }
          return realFetch(url, init);
        };""")
    box.send_keys("What was measured?", Keys.ENTER)
    answer = wait(driver, 60).until(lambda d: d.find_element(By.CSS_SELECTOR, ".bubble.assistant:not(.streaming)"))
    assert "error" not in answer.get_attribute("class"), answer.text

    # A refresh token that no longer works sends the visitor to log in.
    driver.execute_script("localStorage.setItem('docuthinker.session', arguments[0])",
                          json.dumps({"accessToken": "expired", "refreshToken": "revoked", "user": account["tokens"]["user"]}))
    driver.get(server.url + "/app/profile")
    wait(driver).until(lambda d: "/?next=%2Fapp%2Fprofile" in d.current_url)


def test_a_passkey_added_on_the_profile_signs_in_on_the_landing_page(driver, localhost_server):
    """Chromium's virtual authenticator (a platform authenticator with resident keys) does what a
    phone or laptop does: the profile registers a passkey, the landing page signs in with it."""
    from selenium.webdriver.common.virtual_authenticator import Protocol, Transport, VirtualAuthenticatorOptions

    server = localhost_server
    account = server.register()
    authenticator = VirtualAuthenticatorOptions()
    authenticator.protocol = Protocol.CTAP2
    authenticator.transport = Transport.INTERNAL
    authenticator.has_resident_key = True
    authenticator.has_user_verification = True
    authenticator.is_user_verified = True
    driver.get(server.url + "/")
    driver.add_virtual_authenticator(authenticator)
    sign_in(driver, server, account)
    driver.get(server.url + "/app/profile")
    wait(driver).until(lambda d: d.find_element(By.ID, "profile-email").text == account["email"])
    wait(driver).until(lambda d: "No passkeys." in d.find_element(By.ID, "passkey-list").text)
    driver.find_element(By.ID, "passkey-name").send_keys("Test laptop")
    driver.find_element(By.CSS_SELECTOR, "#passkey-form button[type=submit]").click()
    wait(driver).until(lambda d: "Test laptop" in d.find_element(By.ID, "passkey-list").text)
    listed = server.request("GET", f"/passkeys/{account['tokens']['user']['id']}", token=account["tokens"]["accessToken"])["passkeys"]
    assert [passkey["name"] for passkey in listed] == ["Test laptop"]
    assert len(driver.get_credentials()) == 1, "the credential lives in the authenticator"

    # Signed out, the landing page signs in with the passkey alone (no email, no password).
    driver.execute_script("localStorage.clear()")
    driver.get(server.url + "/")
    visible(driver, "#passkey-login").click()
    wait(driver).until(lambda d: d.current_url.endswith("/app"))
    session = json.loads(driver.execute_script("return localStorage.getItem('docuthinker.session')"))
    assert session["user"]["email"] == account["email"]
    used = server.request("GET", f"/passkeys/{account['tokens']['user']['id']}", token=account["tokens"]["accessToken"])["passkeys"]
    assert used[0]["lastUsedAt"], "the sign-in is recorded"
    assert not severe_console_errors(driver)


NEWS = """Merkel Meets Macron in Berlin

German Chancellor Angela Merkel met President Emmanuel Macron in Berlin on Monday. Merkel said the European Union would publish its plan in March 2024.

The World Health Organization (WHO) welcomed the talks. Officials at the WHO said Macron visited Geneva afterwards.
"""


def entity_name(driver):
    """The entity page's heading, read by script (the page may be replaced while waiting)."""
    return driver.execute_script("return document.getElementById('entity-name')?.textContent || ''")


def wait_for_graph(server, token, document_id, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.request("GET", f"/v1/documents/{document_id}/graph", token=token)["status"] == "ready":
            return
        time.sleep(0.3)
    raise AssertionError("the graph was not built")


def signed_in_with_news(driver, server, tmp_path):
    """A new account with the news article uploaded and its graph built, signed in: (token, document)."""
    account = server.register()
    token = account["tokens"]["accessToken"]
    path = tmp_path / "talks.txt"
    path.write_text(NEWS)
    document = server.upload(token, path)
    wait_for_graph(server, token, document["id"])
    sign_in(driver, server, account)
    return token, document


def test_the_graph_view_shows_mentions_in_the_source_and_leads_to_entity_pages(driver, server, tmp_path):
    token, document = signed_in_with_news(driver, server, tmp_path)
    driver.get(server.url + f"/app/documents/{document['id']}")
    visible(driver, '.analysis[data-kind="summary"] .insight')
    visible(driver, "#tab-graph").click()
    nodes = wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#document-graph .graph-node"))
    labels = [node.get_attribute("aria-label") for node in nodes]
    assert any(label.startswith("Angela Merkel, person, 3 mentions") for label in labels), labels
    assert not any(label.startswith(("Officials", "German ")) for label in labels), labels
    # Drawn apart: no two nodes on the same spot.
    spots = {node.get_attribute("transform") for node in nodes}
    assert len(spots) == len(nodes)

    # Keyboard: focus Merkel's node and press Enter; the detail lists her mentions.
    merkel = next(node for node in nodes if node.get_attribute("aria-label").startswith("Angela Merkel"))
    driver.execute_script("arguments[0].focus()", merkel)
    merkel.send_keys(Keys.ENTER)
    detail = visible(driver, "#graph-detail h3")
    assert detail.text.startswith("Angela Merkel")
    chips = driver.find_elements(By.CSS_SELECTOR, "#graph-detail .mention-chip")
    assert len(chips) == 3
    quotes = [flat(item.text) for item in driver.find_elements(By.CSS_SELECTOR, "#graph-detail .graph-mentions li span")]
    assert set(quotes) == {"Merkel", "Angela Merkel"}
    chips[1].click()
    mark = visible(driver, "mark.cite-highlight")
    assert flat(mark.text) == "Angela Merkel"
    # A related entity is one click away.
    related = [button.text for button in driver.find_elements(By.CSS_SELECTOR, "#graph-detail .graph-relations button")]
    assert "Emmanuel Macron" in related, related

    # The type legend hides and shows a type (scrolled into view: the highlight moved the page).
    legend = driver.find_element(By.ID, "graph-type-date")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", legend)
    legend.click()
    wait(driver).until(lambda d: not any(n.get_attribute("aria-label").startswith("Monday") for n in d.find_elements(By.CSS_SELECTOR, ".graph-node")))

    # Across the library: the entity page quotes each mention and links back into the document.
    across = visible(driver, '#graph-detail a[href^="/app/entities/"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", across)
    across.click()
    wait(driver).until(lambda d: "Angela Merkel" in entity_name(d))
    mentions = driver.find_elements(By.CSS_SELECTOR, "#entity-documents .graph-mentions li")
    assert len(mentions) == 3
    neighbour = next(link for link in driver.find_elements(By.CSS_SELECTOR, "#entity-neighbours a") if link.text == "Emmanuel Macron")
    neighbour.click()
    wait(driver).until(lambda d: "Emmanuel Macron" in entity_name(d))
    # The search box finds another entity, misspelt.
    box = driver.find_element(By.ID, "entity-query")
    box.send_keys("Merkl", Keys.ENTER)
    wait(driver).until(lambda d: "Angela Merkel" in entity_name(d))
    first = driver.find_element(By.CSS_SELECTOR, "#entity-documents .graph-mentions a")
    first.click()
    wait(driver).until(lambda d: f"/app/documents/{document['id']}" in d.current_url)
    assert flat(visible(driver, "mark.cite-highlight").text) == "Merkel"
    assert not [entry for entry in severe_console_errors(driver)]


def test_the_library_shows_the_cost_before_a_model_reads_it_for_the_graph(driver, llm_server, tmp_path):
    server = llm_server
    token, _ = signed_in_with_news(driver, server, tmp_path)
    driver.get(server.url + "/app")
    card = visible(driver, "#graph-llm")
    start = driver.find_element(By.ID, "graph-llm-start")
    assert not start.is_displayed(), "no start before the estimate"
    driver.find_element(By.ID, "graph-llm-check").click()
    wait(driver).until(lambda d: "would read" in d.find_element(By.ID, "graph-llm-estimate").text)
    estimate = flat(driver.find_element(By.ID, "graph-llm-estimate").text)
    assert re.search(r"gpt-4o-mini \(openai\) would read 1 document, 1 passage: about [\d,]+ tokens in and [\d,]+ out, about \$0\.\d+\. "
                     r"Budget: \$\d+\.\d+ left of your \$5\.00 this month\.", estimate), estimate
    visible(driver, "#graph-llm-start").click()
    wait(driver).until(lambda d: d.find_element(By.ID, "graph-llm-status").text.startswith("Done:"))
    status = flat(driver.find_element(By.ID, "graph-llm-status").text)
    assert "1 of 1 passage read in 1 of 1 document" in status, status
    job = server.request("GET", "/v1/graph/llm-extraction", token=token)
    assert job["state"] == "succeeded" and job["chunksDone"] == 1 and job["inputTokens"] > 0
    # Read again: nothing is left, and the card says so instead of offering a second run.
    driver.find_element(By.ID, "graph-llm-check").click()
    wait(driver).until(lambda d: "read by the model already" in d.find_element(By.ID, "graph-llm-estimate").text)
    assert not driver.find_element(By.ID, "graph-llm-start").is_displayed()
    assert card.is_displayed()
    assert not severe_console_errors(driver)


def test_without_a_model_the_library_offers_no_model_reading(driver, server):
    account = server.register()
    sign_in(driver, server, account)
    driver.get(server.url + "/app")
    wait(driver).until(lambda d: d.find_element(By.ID, "doc-count").text != "Loading…")
    time.sleep(0.5)
    assert not driver.find_element(By.ID, "graph-llm").is_displayed()
