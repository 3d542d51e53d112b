"""Build the documentation input (`_proc/`) the way `nbdev_docs` does, but without Quarto.

`nbdev_docs` and `nbdev_proc_nbs` first make sure Quarto is installed (and try to download it); the steps after
that need only nbdev. Run from the project root: `python tests/docs_input.py`. Quarto itself then renders `_proc/`
into the site (the deploy workflow does that with `nbdev_docs`).
"""
from nbdev.config import get_config
from nbdev.doclinks import _build_modidx
from nbdev.quarto import nbdev_sidebar, refresh_quarto_yml
from nbdev.serve import proc_nbs


def main():
    cfg = get_config()
    refresh_quarto_yml()
    _build_modidx()
    getattr(nbdev_sidebar, '__wrapped__', nbdev_sidebar)(path=cfg.nbs_path)
    print(proc_nbs(cfg.nbs_path))


if __name__ == '__main__':  # proc_nbs uses worker processes, so this must run as a script
    main()
