"""What `make run` installs: the runtime virtualenv's size beside the one `make test` builds."""

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_TARGET_MB = 300


def _megabytes(path: Path) -> float:
    """Bytes on disk, as `du` counts them (symlinks not followed)."""
    out = subprocess.run(["du", "-s", "--block-size=1", str(path)], capture_output=True, text=True)
    return int(out.stdout.split()[0]) / 1024 / 1024


def runtime_venv() -> list[dict]:
    """A fresh venv with requirements.txt alone, as `make run` makes it (pip's cache helps)."""
    with tempfile.TemporaryDirectory(prefix="rakor-venv-") as name:
        venv = Path(name) / ".venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin/pip"), "install", "--quiet", "--upgrade", "pip"],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        subprocess.run(
            [str(venv / "bin/pip"), "install", "--quiet", "-r", str(ROOT / "requirements.txt")],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        runtime = _megabytes(venv)
    full = _megabytes(Path(sys.prefix))
    return [
        {
            "name": "make run: runtime .venv (baseline: make test's .venv)",
            "value": round(runtime),
            "unit": "MB",
            "baseline": round(full),
            "ratio": round(runtime / full, 2),
            "target": f"< {RUNTIME_TARGET_MB} MB",
            "met": runtime < RUNTIME_TARGET_MB,
        }
    ]


if __name__ == "__main__":
    print(runtime_venv())
