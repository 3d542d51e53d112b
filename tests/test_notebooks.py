"""Every notebook runs: top to bottom in a real Jupyter kernel, and as `nbdev_test` runs its cells as tests.

One execution serves both checks where it can. `nbdev_test` runs a notebook's code cells in order in an IPython
shell (execnb's, in-process), in the notebook's folder, skipping the cells nbdev is told to skip (the test flags of
settings.ini such as `#| notest`, `#| eval: false`, cells calling nbdev_export, the `skip_exec` front matter), and
fails on the first error. A fresh Jupyter kernel running every cell in order, in the same folder, runs those same
cells plus the skipped ones, in the environment a reader has. So when nbdev would skip nothing, and nothing in the
notebook reads the `IN_TEST` variable `nbdev_test` sets, the kernel run covers `nbdev_test`'s and a second
execution adds nothing; a notebook with skipped cells (or reading `IN_TEST`) is also run by `nbdev_test` itself,
which checks that it passes without them. `test_nbdev_test_command` keeps `nbdev_test` itself working here.

The kernel run also measures the figures as matplotlib draws them for display (a cell of the check's own runs
before the notebook's and one after, to report): `test_figures_readable` uses that.
"""
import json

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import CFG, NBS, ROOT, notebooks, run


def nbdev_would_skip(path):
    "Why `nbdev_test` would run other cells than a Jupyter kernel does (an empty list when it runs the same cells)."
    from nbdev.frontmatter import FrontmatterProc
    from nbdev.process import NBProcessor
    flags = set(CFG.get('tst_flags', '').split())
    nb = NBProcessor(path, procs=FrontmatterProc, process=True).nb
    reasons = []
    if str(getattr(nb, 'frontmatter_', {}).get('skip_exec', False)).lower() == 'true': reasons.append('skip_exec')
    for cell in nb.cells:
        if cell.cell_type != 'code': continue
        d = getattr(cell, 'directives_', {}) or {}
        if 'nbdev_export' + '(' in cell.source: reasons.append(f'cell {cell.get("id")}: calls nbdev_export')
        if d.get('eval:', [''])[0].lower() == 'false': reasons.append(f'cell {cell.get("id")}: eval: false')
        if flags & d.keys(): reasons.append(f'cell {cell.get("id")}: {sorted(flags & d.keys())}')
        if 'IN_TEST' in cell.source: reasons.append(f'cell {cell.get("id")}: reads IN_TEST')
    return reasons


# The docs show a figure at its own size, one image pixel to a screen (CSS) pixel, up to the width of the column,
# and scale wider ones down to it.
COLUMN_PX = 700
MIN_TEXT_PX = 12      # the smallest text a figure may show, in CSS pixels as displayed: 9 pt (12 px)

# Runs in the kernel before the notebook: when matplotlib renders a figure for display (the inline backend calls
# `print_figure` into a buffer after each cell), note the image's width and the size of every text it draws.
_MEASURE_FIGURES = r"""
def _measure_figures():
    import io, struct, sys
    state = {'wrapped': False, 'texts': None}
    _figures.clear()
    def wrap():
        if state['wrapped'] or 'matplotlib.backend_bases' not in sys.modules: return
        import matplotlib.backend_bases, matplotlib.text
        draw, print_figure = matplotlib.text.Text.draw, matplotlib.backend_bases.FigureCanvasBase.print_figure
        def text_draw(self, renderer, *args, **kwargs):
            if state['texts'] is not None and self.get_visible() and self.get_text().strip():
                px = renderer.points_to_pixels(self.get_fontsize())
                state['texts'].append((id(renderer), float(px), self.get_text().strip()[:30]))
            return draw(self, renderer, *args, **kwargs)
        def measured_print_figure(self, filename, *args, **kwargs):
            if not isinstance(filename, io.BytesIO) or state['texts'] is not None:
                return print_figure(self, filename, *args, **kwargs)
            state['texts'] = []
            try: result = print_figure(self, filename, *args, **kwargs)
            finally: texts, state['texts'] = state['texts'], None
            data = filename.getvalue()
            if data[1:4] == b'PNG' and texts:
                # sizes in pixels of the image as saved: the last drawing pass is the one that made it
                texts = [(px, text) for r, px, text in texts if r == texts[-1][0]]
                width = struct.unpack('>I', data[16:20])[0]
                _figures.append((get_ipython().execution_count - 1, width, texts))
            return result
        matplotlib.text.Text.draw = text_draw
        matplotlib.backend_bases.FigureCanvasBase.print_figure = measured_print_figure
        state['wrapped'] = True
    get_ipython().events.register('post_execute', wrap)
_figures = []
_measure_figures()
del _measure_figures
"""


def run_in_kernel(path):
    """Execute the notebook in a fresh python3 kernel, in its own folder; raises CellExecutionError naming the cell.

    Returns the executed notebook and, for each figure displayed, (cell id, image width in px, smallest text in px
    at the displayed size, that text)."""
    book = nbformat.read(path, as_version=4)
    setup = nbformat.v4.new_code_cell(_MEASURE_FIGURES)
    report = nbformat.v4.new_code_cell('import json; print(json.dumps(_figures))')
    book.cells = [setup] + book.cells + [report]
    client = NotebookClient(book, timeout=600, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}})
    client.execute()
    cells = book.cells[1:-1]
    errors = [(c.get('id'), o) for c in cells for o in c.get('outputs', []) if o.get('output_type') == 'error']
    assert not errors, errors
    by_count = {c.get('execution_count'): c.get('id') for c in cells if c.cell_type == 'code'}
    figures = []
    for count, width, texts in json.loads(''.join(o['text'] for o in book.cells[-1].outputs if o.get('name') == 'stdout')):
        size, text = min(texts)
        figures.append((by_count.get(count, '?'), width, round(size * min(1.0, COLUMN_PX / width), 1), text))
    book.cells = cells
    return book, figures


_runs = {}


def executed(nb):
    "The notebook run once in a kernel per test session (and per worker), shared by the checks below."
    if nb not in _runs:
        try: _runs[nb] = run_in_kernel(NBS / nb)
        except Exception as e: _runs[nb] = e
    if isinstance(_runs[nb], Exception): raise _runs[nb]
    return _runs[nb]


_each_notebook = pytest.mark.parametrize('nb', notebooks())   # both checks of a notebook share one worker (conftest)


@_each_notebook
def test_notebook(nb):
    "The notebook runs in Jupyter from a fresh kernel, and passes `nbdev_test` (the same run when the cells agree)."
    path = NBS / nb
    executed(nb)
    if nbdev_would_skip(path):
        res = run(['nbdev_test', '--path', str(path), '--do_print'], cwd=ROOT)
        assert res.returncode == 0, f'nbdev_test failed on {nb}:\n{res.stdout}\n{res.stderr}'
        assert 'Success' in res.stdout + res.stderr, res.stdout + res.stderr


@_each_notebook
def test_figures_readable(nb):
    "Every figure's text is at least 9 pt (MIN_TEXT_PX, 12 px) tall as shown in the 700 px docs column."
    try: _, figures = executed(nb)
    except Exception: pytest.skip(f'{nb} does not run (see test_notebook)')
    small = [f'{nb} cell {cell}: figure {width} px wide, its text "{text}" shows {size} px tall '
             f'(at least {MIN_TEXT_PX}): make the figure narrower (fewer panels side by side) or its fonts larger'
             for cell, width, size, text in figures if size < MIN_TEXT_PX]
    if small: pytest.fail('\n'.join(small), pytrace=False)


def test_nbdev_would_skip(tmp_path):
    "The rule above recognises every way nbdev_test skips a cell, so no notebook is run with fewer checks."
    cells = [nbformat.v4.new_code_cell(s) for s in
             ('x = 1', '#| notest\nx = 2', '#| eval: false\nx = 3', "import os\nos.environ.get('IN_TEST')")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / 'n.ipynb')
    reasons = nbdev_would_skip(tmp_path / 'n.ipynb')
    assert len(reasons) == 3 and "['notest']" in reasons[0] and 'eval' in reasons[1] and 'IN_TEST' in reasons[2], reasons
    nbformat.write(nbformat.v4.new_notebook(cells=cells[:1]), tmp_path / 'm.ipynb')
    assert nbdev_would_skip(tmp_path / 'm.ipynb') == []


def test_nbdev_test_command():
    "`nbdev_test` itself works in this project (its settings, its runner), on the smallest notebook."
    smallest = min(notebooks(), key=lambda nb: sum(c.cell_type == 'code' for c in nbformat.read(NBS / nb, 4).cells))
    res = run(['nbdev_test', '--path', str(NBS / smallest)], cwd=ROOT)
    assert res.returncode == 0 and 'Success' in res.stdout, f'nbdev_test failed on {smallest}:\n{res.stdout}\n{res.stderr}'
