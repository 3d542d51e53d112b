"""Every notebook runs: its cells as tests with `nbdev_test`, and top to bottom in a real Jupyter kernel."""
import nbformat
import pytest
from nbclient import NotebookClient

from conftest import NBS, ROOT, notebooks, run


@pytest.mark.parametrize('nb', notebooks())
def test_nbdev_test(nb):
    "`nbdev_test` runs the notebook's cells (skipping export-only flags) and fails on the first error."
    res = run(['nbdev_test', '--path', str(NBS / nb), '--do_print'], cwd=ROOT)
    assert res.returncode == 0, f'nbdev_test failed on {nb}:\n{res.stdout}\n{res.stderr}'
    assert 'Success' in res.stdout + res.stderr, res.stdout + res.stderr


@pytest.mark.parametrize('nb', notebooks())
def test_runs_in_jupyter(nb):
    "The notebook runs from a fresh kernel, top to bottom, as a person rerunning it in Jupyter would."
    path = NBS / nb
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(book, timeout=600, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}})
    client.execute()  # raises CellExecutionError naming the failing cell
    errors = [o for c in book.cells for o in c.get('outputs', []) if o.get('output_type') == 'error']
    assert not errors, errors
