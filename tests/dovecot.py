"""A real IMAP server for the mailbox reader's tests: Debian's Dovecot with its own config,
mail storage and password file under one folder, plaintext login on a loopback port.

``.ci/test`` starts one for the whole run (``python tests/dovecot.py start DIR`` prints its
address for ``STARTSMART_TEST_IMAP_URL``; ``stop DIR`` ends it). Without that variable the
fixture starts one itself when the ``dovecot`` binary exists, so a developer can run the tests
too (``sudo apt-get install dovecot-imapd``); otherwise the tests skip, and under CI fail.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

USER = "startsmart"
PASSWORD = "imap-test-password"


def binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None
    )


def _version(dovecot: str) -> tuple[int, int]:
    out = subprocess.run([dovecot, "--version"], capture_output=True, text=True, check=True)
    major, minor = out.stdout.split()[0].split(".")[:2]
    return int(major), int(minor)


def _accounts() -> tuple[str, str, int, int]:
    """Who runs the login and internal processes, and whose the mail is. Dovecot refuses root
    for all three; as root it takes its own users (the Debian package made them)."""
    if os.geteuid() == 0:
        owner = pwd.getpwnam("dovecot")
        return "dovenull", "dovecot", owner.pw_uid, owner.pw_gid
    me = pwd.getpwuid(os.geteuid())
    return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _config(folder: Path, port: int) -> str:
    login_user, internal_user, uid, gid = _accounts()
    group = grp.getgrgid(gid).gr_name
    dovecot = binary()
    assert dovecot
    common = f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {group}
first_valid_uid = {uid}
last_valid_uid = {uid}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
    if _version(dovecot) >= (2, 4):
        return f"""dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
{common}
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = {folder}/mail/%{{user}}
mail_uid = {uid}
mail_gid = {gid}
passdb passwd-file {{
  passwd_file_path = {folder}/users
}}
userdb static {{
  fields {{
    uid = {uid}
    gid = {gid}
    home = {folder}/mail/%{{user}}
  }}
}}
"""
    return f"""{common}
disable_plaintext_auth = no
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/mail/%u
}}
"""


def start(folder: Path, foreground: bool = False) -> tuple[str, subprocess.Popen | None]:
    """Write the config into ``folder`` and start Dovecot; returns its URL (and the process
    when it runs in the foreground, as the fixture runs it)."""
    dovecot = binary()
    if dovecot is None:
        raise RuntimeError("dovecot is not installed (apt-get install dovecot-imapd)")
    folder.mkdir(parents=True, exist_ok=True)
    _, _, uid, gid = _accounts()
    # The mail processes run as the mail user, who must reach the storage.
    folder.chmod(0o755)
    for sub in ("mail", "state", "run"):
        (folder / sub).mkdir(exist_ok=True)
    os.chown(folder / "mail", uid, gid)
    port = _free_port()
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    (folder / "users").chmod(0o644)
    (folder / "dovecot.conf").write_text(_config(folder, port))
    command = [dovecot, "-c", str(folder / "dovecot.conf")]
    process = None
    if foreground:
        process = subprocess.Popen([*command, "-F"], stdout=subprocess.DEVNULL)
    else:
        subprocess.run(command, check=True)
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                if connection.recv(100).startswith(b"* OK"):
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            log = (folder / "dovecot.log").read_text() if (folder / "dovecot.log").exists() else ""
            raise RuntimeError(f"dovecot did not start on port {port}:\n{log}")
        time.sleep(0.1)
    (folder / "url").write_text(url(port))
    return url(port), process


def url(port: int) -> str:
    return f"imap://{USER}:{PASSWORD}@127.0.0.1:{port}"


def settings(address: str) -> dict[str, object]:
    """The app's MAIL_IMAP_* settings for a server at ``address`` (imap://user:pw@host:port)."""
    parts = urlsplit(address)
    return {
        "MAIL_IMAP_HOST": parts.hostname,
        "MAIL_IMAP_PORT": parts.port or 143,
        "MAIL_IMAP_SSL": False,
        "MAIL_IMAP_USER": parts.username,
        "MAIL_IMAP_PASSWORD": parts.password,
        "MAIL_IMAP_TIMEOUT": 10,
    }


def stop(folder: Path) -> None:
    pid_file = folder / "run" / "master.pid"
    if pid_file.exists():
        os.kill(int(pid_file.read_text().split()[0]), signal.SIGTERM)


if __name__ == "__main__":
    action, where = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        print(start(where)[0])
    else:
        stop(where)
