"""Browser tests of the web client: a real `docuthinker serve` and headless Chromium through selenium.

Run by scripts/browser-tests (part of `make test`). Environment:
  DOCUTHINKER_BIN      the built binary (default .build/debug/docuthinker)
  BROWSER_RESULTS_DIR  where screenshots go (default test-results/browser); a failing test saves one there
"""
import json
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "Fixtures"
RESULTS = pathlib.Path(os.environ.get("BROWSER_RESULTS_DIR", ROOT / "test-results" / "browser"))
BINARY = pathlib.Path(os.environ.get("DOCUTHINKER_BIN", ROOT / ".build" / "debug" / "docuthinker"))
MAX_UPLOAD_BYTES = 3_000_000


class Server:
    """A `docuthinker serve` on a free loopback port over a temporary data directory."""

    def __init__(self, host_name="127.0.0.1", llm_url=None, extra_env=None):
        self.data = tempfile.mkdtemp(prefix="dt-browser-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        # Passkeys need a site name: `localhost` is one (the browser treats it as secure), an IP is not.
        self.url = f"http://{host_name}:{self.port}"
        env = dict(os.environ, DOCUTHINKER_DATA_DIR=self.data, PORT=str(self.port), HOST="127.0.0.1", DOCUTHINKER_PUBLIC_URL=self.url,
                   DOCUTHINKER_BCRYPT_COST="4", LOG_LEVEL="warning", DOCUTHINKER_MAX_UPLOAD_BYTES=str(MAX_UPLOAD_BYTES),
                   DOCUTHINKER_EMBEDDING_MODEL_DIR=str(ROOT / "models" / "all-MiniLM-L6-v2"))
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "DOCUTHINKER_BEDROCK_MODEL"):
            env.pop(name, None)
        if llm_url:
            env.update(OPENAI_BASE_URL=llm_url, DOCUTHINKER_LLM_PRICES="gpt-4o-mini=0.15/0.6")
        env.update(extra_env or {})
        self.log = open(os.path.join(self.data, "server.log"), "w")
        self.process = subprocess.Popen([str(BINARY), "serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/health/ready", timeout=2) as response:
                    if json.load(response).get("status") == "ready":
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("docuthinker serve did not become ready; log: " + open(self.log.name).read()[-2000:])

    def request(self, method, path, body=None, token=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return json.loads(raw) if raw else None

    def register(self, password="correct horse battery"):
        email = f"user-{uuid.uuid4().hex[:10]}@example.com"
        tokens = self.request("POST", "/v1/auth/register", {"email": email, "password": password})
        return {"email": email, "password": password, "tokens": tokens}

    def upload(self, token, path):
        boundary = uuid.uuid4().hex
        content = pathlib.Path(path).read_bytes()
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{pathlib.Path(path).name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(self.url + "/v1/documents", data=body, method="POST")
        request.add_header("Content-Type", "multipart/form-data; boundary=" + boundary)
        request.add_header("Authorization", "Bearer " + token)
        with urllib.request.urlopen(request, timeout=120) as response:
            document = json.load(response)
        # The upload is answered at once (status "processing"); wait for its job like a client does.
        deadline = time.time() + 60
        while document["status"] == "processing":
            if time.time() > deadline:
                raise AssertionError("document still processing after 60 s")
            time.sleep(0.2)
            document = self.request("GET", f"/v1/documents/{document['id']}", token=token)
        return document

    def wait_indexed(self, token, document_id, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            status = self.request("GET", f"/v1/documents/{document_id}/index", token=token)["status"]
            if status in ("ready", "unavailable", "failed"):
                return status
            time.sleep(0.3)
        raise AssertionError("indexing did not finish")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)


@pytest.fixture(scope="session")
def server():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: build it first (swift build)")
    instance = Server()
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def localhost_server():
    """A server opened as http://localhost:PORT, where WebAuthn works (relying party `localhost`)."""
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: build it first (swift build)")
    instance = Server(host_name="localhost")
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def confirming_server():
    """A server whose registration confirms emails (the default off loopback)."""
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: build it first (swift build)")
    instance = Server(extra_env={"DOCUTHINKER_REGISTRATION": "confirm-email"})
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def llm_server():
    """A server with a language model: scripts/llm-stub.py, a local server speaking OpenAI's protocol."""
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: build it first (swift build)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stub = subprocess.Popen(["python3", str(ROOT / "scripts" / "llm-stub.py"), str(port)])
    instance = Server(llm_url=f"http://127.0.0.1:{port}/v1")
    yield instance
    instance.stop()
    stub.terminate()
    stub.wait(timeout=10)


def make_driver(width=1366, height=900):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--lang=en-US", "--force-color-profile=srgb"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


@pytest.fixture
def driver(request):
    browser = make_driver()
    browser.implicitly_wait(0)
    yield browser
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"FAILED-{request.node.name}.png"
        browser.save_screenshot(str(path))
        print(f"screenshot of the failure: {path}")
    browser.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


def wait(driver, seconds=30):
    return WebDriverWait(driver, seconds, poll_frequency=0.1)


def visible(driver, css, seconds=30):
    return wait(driver, seconds).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def sign_in(driver, server, account):
    """Puts the account's session in the browser the way the landing page does after logging in."""
    driver.get(server.url + "/")
    driver.execute_script("localStorage.setItem('docuthinker.session', arguments[0])", json.dumps(account["tokens"]))


def severe_console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
