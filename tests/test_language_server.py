"""The editor as users get it: the real yaml-language-server (npm, tests/tools) over LSP stdio, on a
spec whose first line is the `# yaml-language-server: $schema=` modeline naming the checked-in schema.

Completion inside a task offers its keys with their documentation, hover on a key shows its
description, a block's `with:` completes that block's inputs and `uses:` the block names; a bad block
input is a diagnostic. Without node or the package the tests skip (fail with CI=true).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from shipspec.compiler.blocks import BLOCKS
from validators import TOOLS_DIR, tool_missing

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schemas" / "shipspec-v1.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
SERVER = TOOLS_DIR / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
TIMEOUT_S = 30.0
CURSOR = "|"
"""Where a request is made in a document below (removed from the text sent)."""

SETTINGS = {"validate": True, "hover": True, "completion": True, "format": {"enable": False},
            "schemaStore": {"enable": False}}
"""The server's `yaml` settings: no schema store (no network); the modeline names the schema."""


class LanguageServer:
    """A JSON-RPC client over the server's stdio (Content-Length framing). A reader thread parses
    messages; requests wait for the response with their own id; requests from the server
    (configuration, capability registration) are answered; notifications are kept for those who ask."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.next_id = 0
        self.responses: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while (message := _read_message(self.proc.stdout)) is not None:
            if "method" in message and "id" in message:
                self._send({"id": message["id"], "result": _answer(message)})
            elif "method" in message:
                with self.lock:
                    self.notifications.append(message)
            else:
                self.responses.put(message)

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        wanted = self.next_id
        self._send({"id": wanted, "method": method, "params": params})
        deadline = time.monotonic() + TIMEOUT_S
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self.responses.get(timeout=left)
            except queue.Empty:
                break
            if message.get("id") != wanted:
                continue  # a late answer to an earlier request
            if "error" in message:
                raise AssertionError(f"{method} failed: {message['error']}")
            return message.get("result")
        raise AssertionError(f"no answer to {method} within {TIMEOUT_S}s (server alive: {self.proc.poll() is None})")

    def wait_notification(self, method: str, test: Callable[[Any], bool]) -> Any:
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            with self.lock:
                for message in self.notifications:
                    if message["method"] == method and test(message.get("params")):
                        return message["params"]
            time.sleep(0.05)
        raise AssertionError(f"no {method} within {TIMEOUT_S}s")


def _read_message(stream: IO[bytes]) -> dict[str, Any] | None:
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length is None:
        return None
    body = stream.read(length)
    return json.loads(body) if len(body) == length else None


def _answer(request: dict[str, Any]) -> Any:
    """What the client says to the server's own requests: the `yaml` settings when asked."""
    if request["method"] == "workspace/configuration":
        return [SETTINGS if item.get("section") == "yaml" else None for item in request["params"]["items"]]
    return None


@pytest.fixture(scope="module")
def server() -> Iterator[LanguageServer]:
    node = shutil.which("node") or tool_missing("node is not on PATH")
    if not SERVER.is_file():
        tool_missing(f"yaml-language-server is not installed in {TOOLS_DIR}/node_modules")
    proc = subprocess.Popen([node, str(SERVER), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    client = LanguageServer(proc)
    try:
        capabilities = {"textDocument": {
            "completion": {"completionItem": {"documentationFormat": ["markdown", "plaintext"],
                                              "snippetSupport": True}},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "publishDiagnostics": {}}}
        result = client.request("initialize", {"processId": os.getpid(), "rootUri": None,
                                               "capabilities": capabilities})
        assert result["capabilities"]["hoverProvider"]
        client.notify("initialized", {})
        client.notify("workspace/didChangeConfiguration", {"settings": {"yaml": SETTINGS}})
        yield client
        client.request("shutdown", None)
        client.notify("exit", None)
        proc.wait(timeout=TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


class Document:
    """A spec opened in the server; `at(n)` is the position of the n-th cursor mark in it."""

    count = 0

    def __init__(self, client: LanguageServer, folder: Path, body: str) -> None:
        Document.count += 1
        text = f"# yaml-language-server: $schema={SCHEMA_PATH.as_uri()}\n{body}"
        self.marks: list[dict[str, int]] = []
        lines = text.split("\n")
        for number, line in enumerate(lines):
            while CURSOR in line:
                self.marks.append({"line": number, "character": line.index(CURSOR)})
                line = line.replace(CURSOR, "", 1)
            lines[number] = line
        self.text = "\n".join(lines)
        path = folder / f"pipeline{Document.count}.yaml"
        path.write_text(self.text)
        self.uri = path.as_uri()
        self.client = client
        client.notify("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "yaml",
                                                                "version": 1, "text": self.text}})

    def completion(self, mark: int) -> dict[str, dict[str, Any]]:
        """Completion items by label."""
        result = self.client.request("textDocument/completion", {"textDocument": {"uri": self.uri},
                                                                 "position": self.marks[mark]})
        items = result["items"] if isinstance(result, dict) else result or []
        return {item["label"]: item for item in items}

    def hover(self, mark: int) -> str:
        result = self.client.request("textDocument/hover", {"textDocument": {"uri": self.uri},
                                                            "position": self.marks[mark]})
        assert result is not None, f"no hover at {self.marks[mark]}"
        return _text(result["contents"])

    def diagnostics(self, *, some: bool) -> list[dict[str, Any]]:
        """The diagnostics published for this document: the first non-empty list (`some`), or the last
        list once the server has answered a request about the document (its validation is done)."""
        if some:
            found = self.client.wait_notification("textDocument/publishDiagnostics",
                                                  lambda params: params["uri"] == self.uri and params["diagnostics"])
            return list(found["diagnostics"])
        self.client.wait_notification("textDocument/publishDiagnostics", lambda params: params["uri"] == self.uri)
        self.client.request("textDocument/documentSymbol", {"textDocument": {"uri": self.uri}})
        with self.client.lock:
            published = [m["params"] for m in self.client.notifications
                         if m["method"] == "textDocument/publishDiagnostics" and m["params"]["uri"] == self.uri]
        return list(published[-1]["diagnostics"])


def _text(content: Any) -> str:
    """MarkupContent, a MarkedString, a list of them, or a plain string, as text."""
    if isinstance(content, list):
        return "\n".join(_text(c) for c in content)
    if isinstance(content, dict):
        return str(content.get("value", ""))
    return str(content or "")


SPEC = """\
apiVersion: shipspec.dev/v1
kind: Pipeline
metadata:
  name: demo
spec:
  tasks:
    - name: build
      image: alpine:3.20
      run: echo hi
      |
    - name: test
      uses: go
      time|out: 20m
      with:
        version: "1.23"
        |
        cover|age: 80
"""


@pytest.fixture(scope="module")
def spec(server: LanguageServer, tmp_path_factory: pytest.TempPathFactory) -> Document:
    return Document(server, tmp_path_factory.mktemp("editor"), SPEC)


def _description(definition: str, key: str) -> str:
    text = SCHEMA["$defs"][definition]["properties"][key]["description"]
    assert isinstance(text, str) and text
    return text


def test_completion_in_a_task_offers_its_keys_with_their_documentation(spec: Document) -> None:
    items = spec.completion(0)
    assert {"timeout", "matrix", "retries", "depends", "when", "env"} <= set(items)
    assert "name" not in items and "image" not in items  # already written in this task
    assert _description("Task", "timeout") in _text(items["timeout"].get("documentation"))
    assert _description("Task", "matrix") in _text(items["matrix"].get("documentation"))
    assert "axes" in items["matrix"]["insertText"]  # the example, as a snippet


def test_hover_on_a_key_shows_its_description(spec: Document) -> None:
    text = spec.hover(1)
    assert _description("Task", "timeout") in text
    assert text.count("Seconds, or a duration") == 1


def test_a_blocks_with_completes_that_blocks_inputs(spec: Document) -> None:
    items = spec.completion(2)
    assert {"directory", "test", "lint", "build", "cache"} <= set(items)  # the go block's inputs
    assert "depth" not in items  # checkout's, not go's
    assert "version" not in items and "coverage" not in items  # already written
    assert _description("LanguageInputs", "lint") in _text(items["lint"].get("documentation"))
    assert _description("LanguageInputs", "coverage") in spec.hover(3)


def test_uses_completes_the_block_names_with_their_summaries(server: LanguageServer,
                                                             tmp_path_factory: pytest.TempPathFactory) -> None:
    body = SPEC.split("    - name: test")[0].replace("      |\n", "") + "    - name: scan\n      uses: |\n"
    items = Document(server, tmp_path_factory.mktemp("uses"), body).completion(0)
    assert {"checkout", *BLOCKS} <= set(items)
    assert BLOCKS["go"].summary in _text(items["go"].get("documentation"))


def test_a_bad_block_input_is_a_diagnostic(server: LanguageServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    body = SPEC.replace("|", "").replace("coverage: 80", "coverag: 80")
    diagnostics = Document(server, tmp_path_factory.mktemp("bad"), body).diagnostics(some=True)
    lines = body.split("\n")
    assert [d["range"]["start"]["line"] for d in diagnostics] == [lines.index("        coverag: 80") + 1]
    assert "coverag" in diagnostics[0]["message"]


def test_a_good_spec_has_no_diagnostics(server: LanguageServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    body = SPEC.replace("|", "")
    assert Document(server, tmp_path_factory.mktemp("good"), body).diagnostics(some=False) == []
