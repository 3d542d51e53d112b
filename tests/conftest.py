"Shared helpers for the project checks: where things are, and scratch copies of the working tree."
import os
import shutil
import subprocess
import sys
from configparser import ConfigParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_cfg = ConfigParser(delimiters=['='])
_cfg.read(ROOT / 'settings.ini', encoding='utf-8')
CFG = _cfg['DEFAULT']
NBS = ROOT / CFG['nbs_path']
LIB = ROOT / CFG['lib_path']
BIN = Path(sys.executable).parent  # console scripts (nbdev_test, ...) of the running environment


def notebooks():
    "Every notebook under nbs/, as paths relative to it, skipping checkpoints and _-prefixed files."
    return sorted(str(p.relative_to(NBS)) for p in NBS.rglob('*.ipynb')
                  if '.ipynb_checkpoints' not in p.parts and not p.name.startswith('_'))


def tracked_files():
    "Files of the working tree that git tracks or would track (not ignored); every file when git is missing."
    try:
        out = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=ROOT,
                             capture_output=True, check=True).stdout
        return [f for f in out.decode().split('\0') if f and (ROOT / f).is_file()]
    except (OSError, subprocess.CalledProcessError):
        return [str(p.relative_to(ROOT)) for p in ROOT.rglob('*') if p.is_file() and '.git' not in p.parts]


def make_scratch_copy(dest: Path) -> Path:
    "Copy the working tree's files (as `git ls-files` sees them) into `dest`, so checks never touch the tree."
    for f in tracked_files():
        target = dest / f
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, target)
    return dest


def run(cmd, cwd, timeout=600, env=None):
    "Run a command; return the CompletedProcess with text output (never raises on a non-zero exit)."
    full_env = {**os.environ, 'PATH': f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **(env or {})}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=full_env)


@pytest.fixture(scope='session')
def scratch(tmp_path_factory):
    "One scratch copy of the working tree for the whole session; checks that change files use their own."
    return make_scratch_copy(tmp_path_factory.mktemp('tree'))
