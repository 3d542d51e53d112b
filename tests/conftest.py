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


@pytest.fixture(scope='session')
def proc(request, scratch):
    """nbdev's processed docs pages (`_proc/`, built by tests/docs_input.py on the scratch copy).

    Only the pages the selected tests need are built: `pytest tests -k 04_network` processes one notebook."""
    wanted = set()
    for item in request.session.items:
        if 'proc' not in getattr(item, 'fixturenames', ()): continue
        nb = getattr(getattr(item, 'callspec', None), 'params', {}).get('nb')
        if nb is None: wanted = None; break
        wanted.add(nb)
    args = [] if wanted is None else [str(scratch / CFG['nbs_path'] / nb) for nb in sorted(wanted)]
    res = run([sys.executable, 'tests/docs_input.py', *args], cwd=scratch)
    assert res.returncode == 0, f'processing the docs failed:\n{res.stdout}\n{res.stderr}'
    return scratch / '_proc'


def _work_unit(nodeid):
    """The unit of work a test belongs to under pytest-xdist: tests that share an expensive fixture or run (the
    wheel's environment, the processed docs pages, one notebook's kernel run) go to the same worker together."""
    path, _, rest = nodeid.partition('::')
    name = path.split('/')[-1]
    if name == 'test_wheel.py': return 'wheel'
    if name in ('test_docs.py', 'test_docs_site.py'): return 'docs'
    if name == 'test_notebooks.py' and '[' in rest: return 'notebook ' + rest[rest.index('[') + 1:rest.rindex(']')]
    return nodeid


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Hand out work by `_work_unit`, the largest units first. (xdist's own `xdist_group` marks would do the
    same, but with pytest 9.2 and pytest-xdist 3.8 they have no effect.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid): return _work_unit(nodeid)
    return ByWorkUnit(config, log)


def pytest_configure(config):
    """Under pytest-xdist, share the cores between the workers: each worker's notebooks (and their kernels, which
    inherit the environment) get cores / workers threads for BLAS, OpenMP and PyTorch, instead of every process
    starting one thread per core and the threads waiting on each other. Values set by the user are kept."""
    workers = int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '1'))
    if workers > 1:
        threads = str(max(1, (os.cpu_count() or 1) // workers))
        for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ.setdefault(var, threads)
