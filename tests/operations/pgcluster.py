"""Throw-away PostgreSQL clusters for operations tests: a primary and its streaming replica in a
temporary directory, run as the postgres user (`initdb` refuses root) on free loopback ports."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


BIN = _bin_dir()


def why_not() -> str | None:
    """Why clusters cannot be made here (None: they can)."""
    if BIN is None:
        return "PostgreSQL server binaries (initdb) are not installed"
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "needs root and runuser to start a cluster as the postgres user"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


class Cluster:
    def __init__(self, root: Path, name: str) -> None:
        self.data = root / name
        self.log = root / f"{name}.log"
        self.port = free_port()
        self.running = False

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        _as_postgres(
            str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"
        )
        self.running = True

    def stop(self) -> None:
        if self.running:
            subprocess.run(
                [
                    "runuser",
                    "-u",
                    "postgres",
                    "--",
                    str(BIN / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                capture_output=True,
                timeout=60,
            )
            self.running = False

    def configure(self, **settings) -> None:
        with (self.data / "postgresql.conf").open("a") as conf:
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")

    def wait_for(self, sql: str, database: str = "postgres", timeout: float = 60) -> None:
        """Until `sql` returns a true first column (a condition, not a sleep)."""
        engine = sa.create_engine(self.url(database), poolclass=sa.pool.NullPool)
        deadline = time.monotonic() + timeout
        last = None
        try:
            while time.monotonic() < deadline:
                try:
                    with engine.connect() as conn:
                        if conn.exec_driver_sql(sql).scalar():
                            return
                except sa.exc.OperationalError as exc:
                    last = exc
                time.sleep(0.1)
        finally:
            engine.dispose()
        raise TimeoutError(f"{sql!r} on port {self.port} did not become true ({last})")


class PrimaryWithReplica:
    """A primary and a hot standby streaming from it (pg_basebackup -R)."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ombudsflow-pg-"))
        shutil.chown(self.root, "postgres", "postgres")
        self.primary = Cluster(self.root, "primary")
        self.replica = Cluster(self.root, "replica")

    def __enter__(self) -> PrimaryWithReplica:
        try:
            _as_postgres(
                str(BIN / "initdb"),
                "-D",
                str(self.primary.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            )
            self.primary.configure(
                port=self.primary.port,
                listen_addresses="'127.0.0.1'",
                unix_socket_directories=f"'{self.root}'",
                wal_level="replica",
                max_wal_senders=4,
                fsync="off",
            )
            (self.primary.data / "pg_hba.conf").write_text(
                "local all all trust\n"
                "host all all 127.0.0.1/32 trust\n"
                "host replication all 127.0.0.1/32 trust\n"
            )
            self.primary.start()
            _as_postgres(
                str(BIN / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.primary.port),
                "-U",
                "postgres",
                "-D",
                str(self.replica.data),
                "-R",
                "-X",
                "stream",
            )
            self.replica.configure(port=self.replica.port, hot_standby="on")
            self.replica.start()
            self.replica.wait_for("SELECT pg_is_in_recovery()")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc) -> None:
        self.replica.stop()
        self.primary.stop()
        shutil.rmtree(self.root, ignore_errors=True)
