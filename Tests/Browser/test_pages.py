"""Every page in light and dark, wide and narrow: saved as screenshots (to look at), checked with
axe-core for serious accessibility problems (contrast, labels, names, ARIA), for sideways scrolling
and for script errors."""
import json
import time
import pathlib
import urllib.parse

import axe_core_python
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import FIXTURES, RESULTS, make_driver, severe_console_errors, sign_in, visible, wait

AXE = (pathlib.Path(axe_core_python.__file__).parent / "axe.min.js").read_text()
SIZES = {"wide": (1366, 900), "narrow": (390, 844)}


@pytest.fixture(scope="module")
def library(server):
    """An account with two indexed documents and one chat."""
    account = server.register()
    token = account["tokens"]["accessToken"]
    pdf = server.upload(token, FIXTURES / "sample.pdf")
    server.upload(token, FIXTURES / "sample.docx")
    server.wait_indexed(token, pdf["id"])
    deadline = time.time() + 120
    while server.request("GET", f"/v1/documents/{pdf['id']}/graph", token=token)["status"] != "ready":
        assert time.time() < deadline, "the graph was not built"
        time.sleep(0.3)
    chat = server.request("POST", "/v1/chats", {"title": "Water measurements"}, token=token)
    server.request("POST", f"/v1/chats/{chat['id']}/messages", {"content": "How much water did Dr. Smith measure?"}, token=token)
    return {"account": account, "pdf": pdf, "chat": chat}


def prepare(driver, server, library, page):
    """Opens `page` in the state worth looking at; returns its file-name stem."""
    pdf = library["pdf"]["id"]
    if page == "landing":
        driver.get(server.url + "/")
        visible(driver, "#login-email")
    elif page == "reset":
        driver.get(server.url + "/reset-password?token=example")
        visible(driver, "#reset-password")
    elif page == "notfound":
        driver.get(server.url + "/app/no-such-page")
        visible(driver, "h1")
    else:
        sign_in(driver, server, library["account"])
        if page == "library":
            driver.get(server.url + "/app")
            wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".doc-row")) == 2)
            search = driver.find_element(By.ID, "search-input")
            search.send_keys("water", Keys.ENTER)
            visible(driver, "#search-hits .hit")
        elif page == "upload":
            driver.get(server.url + "/app/upload")
            driver.find_element(By.ID, "file-input").send_keys(str(FIXTURES / "encrypted.pdf"))
            wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, '.upload-item[data-state="failed"]'))
        elif page.startswith("document"):
            tab = page.split("-", 1)[1] if "-" in page else "summary"
            driver.get(server.url + f"/app/documents/{pdf}")
            visible(driver, '.analysis[data-kind="summary"] .cite-chip').click()
            visible(driver, "mark.cite-highlight")
            if tab != "summary":
                driver.find_element(By.ID, f"tab-{tab}").click()
                if tab == "chat":
                    box = visible(driver, "#document-chat textarea")
                    box.send_keys("What did the survey find?", Keys.ENTER)
                    wait(driver, 60).until(lambda d: d.find_element(By.CSS_SELECTOR, ".bubble.assistant:not(.streaming)"))
                elif tab == "graph":
                    visible(driver, "#document-graph .graph-node").click()
                    visible(driver, "#graph-detail h3")
                elif tab != "transform":
                    wait(driver, 60).until(lambda d: d.find_element(By.CSS_SELECTOR, f"#panel-{tab} .result-header"))
        elif page == "entity":
            token = library["account"]["tokens"]["accessToken"]
            entity = server.request("GET", "/v1/graph/entities?q=smith", token=token)["entities"][0]
            driver.get(server.url + "/app/entities/" + urllib.parse.quote(entity["id"], safe=""))
            visible(driver, "#entity-documents .graph-mentions li")
        elif page == "chat":
            driver.get(server.url + f"/app/chat?c={library['chat']['id']}")
            visible(driver, ".bubble.assistant .footnote")
        elif page == "profile":
            driver.get(server.url + "/app/profile")
            wait(driver).until(lambda d: "@" in d.find_element(By.ID, "profile-email").text)
            visible(driver, "#key-list li")
    return page


PAGES = ["landing", "reset", "notfound", "library", "upload", "document", "document-sentiment", "document-analytics",
         "document-transform", "document-chat", "document-graph", "entity", "chat", "profile"]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_reads_well(server, library, theme, size):
    width, height = SIZES[size]
    driver = make_driver(width, height)
    problems = []
    try:
        driver.get(server.url + "/")
        driver.execute_script("localStorage.setItem('docuthinker.theme', arguments[0])", theme)
        # The account's saved theme (system) must not override the theme under test.
        server.request("PATCH", "/v1/me", {"theme": theme}, token=library["account"]["tokens"]["accessToken"])
        for page in PAGES:
            if size == "narrow" and page in ("document-sentiment", "document-transform", "reset"):
                continue
            prepare(driver, server, library, page)
            assert driver.execute_script("return document.documentElement.dataset.theme") == theme, page
            RESULTS.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(RESULTS / f"{page}-{theme}-{size}.png"))
            overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                problems.append(f"{page}: scrolls sideways by {overflow}px")
            driver.execute_script(AXE)
            results = driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "axe.run(document, {resultTypes: ['violations']}).then(done, (error) => done({violations: [], error: String(error)}));")
            assert "error" not in results, results.get("error")
            for violation in results["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [node["target"] for node in violation["nodes"][:3]]
                    problems.append(f"{page}: {violation['id']} ({violation['impact']}): {violation['help']} at {json.dumps(targets)}")
            errors = severe_console_errors(driver)
            # Answers the page expects (the 404 page, the refused upload) are logged by Chromium too; script errors are not.
            problems.extend(f"{page}: console: {entry['message']}" for entry in errors
                            if "the server responded with a status of 4" not in entry["message"])
    finally:
        driver.quit()
    assert not problems, "\n".join(problems)
