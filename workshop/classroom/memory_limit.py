"""A real per-learner memory limit for the classroom hub, where the machine allows one.

JupyterHub's ``Spawner.mem_limit`` is only advisory for local-process spawners: it sets the ``MEM_LIMIT``
environment variable and nothing else. The Linux kernel's memory cgroups are what actually limit memory.
When the hub can create memory cgroups (run as root on a machine with the cgroup v1 memory controller, as
this project's test machines are), each learner's server is put into its own cgroup before it starts, with
``memory.limit_in_bytes`` set. The server's kernels are its children, so they share that one limit: when a
learner's notebooks together use more, the kernel's out-of-memory killer stops that learner's biggest
process (usually a notebook kernel, which JupyterLab then restarts) and nobody else's.

On cgroup v2 (most current Linux distributions) a process may only create memory cgroups in a subtree that
systemd delegated to it; this module does not try that and reports the limit as advisory instead. The
hub's log and ``make classroom`` say which of the two applies.

Example:
    >>> parse_bytes("1.5G")
    1610612736
    >>> parse_bytes("512M")
    536870912
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_bytes(text: str) -> int:
    """``"2G"`` -> bytes, with the same suffixes as JupyterHub's ``mem_limit`` (K, M, G, T; powers of 1024)."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)B?\s*", str(text).upper())
    if not match:
        raise ValueError(f"{text!r} is not a memory size; write it like 2G or 512M")
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def own_memory_cgroup() -> Path | None:
    """The cgroup v1 memory folder this process belongs to, when the memory controller is mounted (v1)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            folder = CGROUP_ROOT / "memory" / path.lstrip("/")
            return folder if (folder / "memory.limit_in_bytes").exists() else None
    return None


def classroom_cgroup(runtime_dir: Path) -> Path | None:
    """The cgroup that holds one classroom's learners (one per runtime folder), or None when unavailable."""
    own = own_memory_cgroup()
    if own is None:
        return None
    tag = hashlib.sha256(str(Path(runtime_dir).resolve()).encode()).hexdigest()[:10]
    return own / f"civicdata-classroom-{tag}"


def why_not_enforced(runtime_dir: Path) -> str | None:
    """None when learner memory limits can be enforced here; otherwise the reason, in plain words."""
    group = classroom_cgroup(runtime_dir)
    if group is None:
        return ("this machine has no cgroup v1 memory controller (cgroup v2 needs a subtree delegated by "
                "systemd), so the limit is only advisory (MEM_LIMIT)")
    try:
        group.mkdir(exist_ok=True)
    except OSError as err:
        return f"cannot create memory cgroups ({err.strerror}; the hub must run as root), so the limit is only advisory"
    return None


def learner_cgroup(runtime_dir: Path, username: str, limit_bytes: int) -> Path | None:
    """Create (or reuse) the learner's memory cgroup with its limit; returns its ``cgroup.procs`` file."""
    group = classroom_cgroup(runtime_dir)
    if group is None or not limit_bytes:
        return None
    try:
        folder = group / username
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "memory.limit_in_bytes").write_text(str(limit_bytes))
        swap = folder / "memory.memsw.limit_in_bytes"  # memory + swap; only where the kernel accounts swap
        if swap.exists():
            try:
                swap.write_text(str(limit_bytes))
            except OSError:
                pass
        return folder / "cgroup.procs"
    except OSError:
        return None


def join(procs_file: Path) -> None:
    """Move the calling process into a cgroup (called in the child between fork and exec)."""
    with open(procs_file, "w") as handle:
        handle.write(str(os.getpid()))


def remove_learner(runtime_dir: Path, username: str) -> None:
    """Remove a learner's cgroup once their server has stopped (the kernel refuses while processes remain)."""
    group = classroom_cgroup(runtime_dir)
    if group is not None:
        try:
            (group / username).rmdir()
        except OSError:
            pass


def remove_classroom(runtime_dir: Path) -> None:
    """Remove the classroom's cgroups after the hub has stopped."""
    group = classroom_cgroup(runtime_dir)
    if group is None or not group.exists():
        return
    for child in group.iterdir():
        if child.is_dir():
            try:
                child.rmdir()
            except OSError:
                pass
    try:
        group.rmdir()
    except OSError:
        pass
