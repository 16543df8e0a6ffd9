"""``ftlint submit`` on a real terminal: the confirmation prompt and the live job display.

ftlint runs as a subprocess on a pseudo-terminal (``os.openpty``) of 120 x 40 characters,
against the fake fine-tuning API of tests/fake_openai_server.py; the test types the answer
like a user would and reads everything the terminal shows."""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.fake_openai_server import FakeOpenAI
from tests.test_submit import ENV_TO_CLEAR, KEY, MODEL, chat_line

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][A-Z0-9]|[=>])")
QUESTION = re.compile(r"Upload .* and start fine-tuning .*\? \[y/N\]")
TIMEOUT = 60.0


class Terminal:
    """A subprocess whose standard input, output and error are one pseudo-terminal."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.master = master
        self.shown = b""
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)

    def text(self) -> str:
        """What the terminal showed so far, without control sequences."""
        return ANSI.sub("", self.shown.decode("utf-8", "replace")).replace("\r", "")

    def _read(self, timeout: float) -> bool:
        """Read what is there; False once the process closed the terminal."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: every writer is gone
            return False
        self.shown += chunk
        return bool(chunk)

    def wait_for(self, pattern: re.Pattern[str]) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not pattern.search(self.text()):
            if time.monotonic() > deadline or not self._read(0.1):
                raise AssertionError(f"never shown: {pattern.pattern}\n{self.text()}")

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self) -> int:
        deadline = time.monotonic() + TIMEOUT
        while self._read(0.1):
            if time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"still running:\n{self.text()}")
        code = self.process.wait(TIMEOUT)
        os.close(self.master)
        return code


@pytest.fixture
def terminal_submit(tmp_path: Path):
    server = FakeOpenAI(KEY)
    url = server.start()
    train = tmp_path / "train.jsonl"
    train.write_text("".join(chat_line(f"topic {i}", i) + "\n" for i in range(12)))
    env = {k: v for k, v in os.environ.items() if k not in ENV_TO_CLEAR}
    env.update(
        OPENAI_API_KEY=KEY,
        OPENAI_BASE_URL=url,
        FTLINT_POLL_INTERVAL="0.05",
        FTLINT_CACHE_DIR=str(tmp_path / "cache"),
        TERM="xterm-256color",
    )
    env.pop("NO_COLOR", None)
    env.pop("CI", None)  # rich treats some CI variables as "not a terminal"
    ftlint = shutil.which("ftlint", path=str(Path(sys.executable).parent)) or "ftlint"

    def start() -> Terminal:
        return Terminal([ftlint, "submit", str(train), "--model", MODEL], env)

    yield server, start
    server.stop()


def test_yes_at_the_prompt_submits_and_the_live_display_follows_the_job(terminal_submit):
    server, start = terminal_submit
    terminal = start()
    terminal.wait_for(QUESTION)
    assert server.requests == []  # nothing is sent before the answer
    terminal.type("y\n")
    code = terminal.finish()
    shown = terminal.text()
    assert code == 0, shown
    assert len(server.calls("POST", "/fine_tuning/jobs")) == 1
    (job_id,) = server.jobs
    # The live display's last frame: header with the final status, the step bar, the losses
    # and their sparkline, the latest events.
    assert re.search(rf"fine-tuning job {job_id}\s+succeeded", shown), shown
    assert "step 12/12" in shown
    assert re.search(r"train loss 0\.137\d* · valid loss 0\.31\d* \(step 12\)", shown), shown
    # Events are shown by the display, not printed line by line as without a terminal.
    assert "status: running" not in shown
    assert f"ft:{MODEL}:org-fake" in shown and "chat.completions.create" in shown
    assert KEY not in shown


@pytest.mark.parametrize("answer", ["n\n", "\n", "maybe\n"])
def test_anything_but_yes_at_the_prompt_submits_nothing(terminal_submit, answer):
    server, start = terminal_submit
    terminal = start()
    terminal.wait_for(QUESTION)
    terminal.type(answer)
    code = terminal.finish()
    assert code == 1, terminal.text()
    assert "not submitted: cancelled at the confirmation" in terminal.text()
    assert server.requests == []
