"""Build the documentation input (`_proc/`) the way `nbdev_docs` does, but without Quarto.

`nbdev_docs` and `nbdev_proc_nbs` first make sure Quarto is installed (and try to download it); the steps after
that need only nbdev. Run from the project root: `python tests/docs_input.py` processes every notebook, and
`python tests/docs_input.py nbs/04_network.ipynb ...` only the ones named (for checking one chapter quickly).
Quarto itself then renders `_proc/` into the site (the deploy workflow does that with `nbdev_docs`).
"""
import shutil
import sys
from pathlib import Path

import nbdev.serve_drv
from fastcore.parallel import parallel
from fastcore.utils import defaults
from nbdev.config import get_config
from nbdev.doclinks import _build_modidx
from nbdev.processors import FilterDefaults
from nbdev.quarto import nbdev_sidebar, refresh_quarto_yml
from nbdev.serve import proc_nbs


def main(paths=()):
    cfg = get_config()
    refresh_quarto_yml()
    _build_modidx()
    getattr(nbdev_sidebar, '__wrapped__', nbdev_sidebar)(path=cfg.nbs_path)
    if not paths:
        print(proc_nbs(cfg.nbs_path))
        return
    # The same processing `proc_nbs` applies to each notebook, on the named notebooks only.
    cache = cfg.config_path / '_proc'
    jobs = []
    for p in map(Path, paths):
        src = p.resolve()
        dst = cache / src.relative_to(cfg.nbs_path.resolve())
        dst.parent.mkdir(parents=True, exist_ok=True)
        jobs.append((src, dst, FilterDefaults))
    for f in ('_quarto.yml', 'nbdev.yml', 'sidebar.yml', 'styles.css'):
        if (cfg.nbs_path / f).exists(): shutil.copy2(cfg.nbs_path / f, cache / f)
    parallel(nbdev.serve_drv.main, jobs, n_workers=min(len(jobs), defaults.cpus), pause=0.01, method='spawn')
    print(cache)


if __name__ == '__main__':  # processing uses worker processes, so this must run as a script
    main(sys.argv[1:])
