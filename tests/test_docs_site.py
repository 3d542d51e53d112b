"""The docs site as a reader meets it: links that go where the sentence means, plain API signatures, output that fits
the column, one heading per thing, import cells that hold only imports, and HTML pages only.

Each check runs per notebook and lists every violation with its notebook and cell id (see tests/docs_checks.py,
which `python tests/docs_checks.py` also runs as a script over the whole site)."""
import pytest

import docs_checks as dc
from conftest import NBS, ROOT, notebooks


def _report(problems):
    return f'{len(problems)} problem(s):\n' + '\n'.join(problems)


@pytest.fixture(scope='session')
def modidx(proc):
    return dc.load_modidx(proc.parent)


@pytest.mark.parametrize('nb', notebooks())
def test_links_go_where_the_page_means(nb, proc, modidx):
    "A bare `forward`, `backward` or `fit` (any name of several symbols) links into the page's own module."
    problems = dc.wrong_module_links(nb, dc.read(NBS / nb), dc.read(proc / nb), modidx)
    if problems: pytest.fail(_report(problems), pytrace=False)


@pytest.mark.parametrize('nb', notebooks())
def test_signatures_are_plain(nb, proc):
    "No Markdown links or backticks inside the code block of an API entry's signature."
    problems = dc.signature_markup(nb, dc.read(NBS / nb), dc.read(proc / nb))
    if problems: pytest.fail(_report(problems), pytrace=False)


@pytest.mark.parametrize('nb', notebooks())
def test_one_heading_per_thing(nb, proc):
    "No heading text twice on a page, API entries included (a `## fit` section over the `### fit` entry)."
    problems = dc.repeated_headings(nb, dc.read(NBS / nb), dc.read(proc / nb))
    if problems: pytest.fail(_report(problems), pytrace=False)


@pytest.mark.parametrize('nb', notebooks())
def test_outputs_fit_the_column(nb):
    "Stored printed outputs stay within 100 characters a line (dc.MAX_OUTPUT_WIDTH)."
    problems = dc.wide_outputs(nb, dc.read(NBS / nb))
    if problems: pytest.fail(_report(problems), pytrace=False)


@pytest.mark.parametrize('nb', notebooks())
def test_import_cells_are_pure(nb):
    "nbdev would not warn 'Found cells containing imports and other code' while building the page."
    problems = dc.impure_import_cells(nb, NBS / nb)
    if problems: pytest.fail(_report(problems), pytrace=False)


def test_site_settings():
    "Only the HTML site is built (the CommonMark download mangled the maths), with a body 100 characters wide."
    problems = dc.quarto_problems(ROOT / 'nbs' / '_quarto.yml')
    if problems: pytest.fail(_report(problems), pytrace=False)


def test_checks_catch_what_they_guard_against(tmp_path):
    "Each check fails on a small page made with the problem it looks for."
    modidx = {'settings': {'lib_path': 'lib'}, 'syms': {
        'lib.mazur': {'lib.mazur.forward': ('mazur.html#forward', 'lib/mazur.py')},
        'lib.network': {'lib.network.Network': ('network.html#network', 'lib/network.py'),
                        'lib.network.Network.forward': ('network.html#network.forward', 'lib/network.py')}}}
    def md(text, id='m1'): return {'cell_type': 'markdown', 'id': id, 'source': text}
    def code(text, id='c1', outputs=()): return {'cell_type': 'code', 'id': id, 'source': text, 'outputs': list(outputs)}
    link = '[`forward`](https://h/b/mazur.html#forward)'
    source = {'cells': [md('# Network'), code('#| default_exp network'), md('## forward', 'm2'),
                        md(f'Calls {link}, then [`Network.forward`](https://h/b/network.html#network.forward).', 'm3'),
                        code('#| export\nclass Network:\n    def forward(self, x): pass', 'c2'),
                        code('print(1)', 'c3', [{'output_type': 'stream', 'name': 'stdout', 'text': 'x' * 101}])]}
    showdoc = ('### Network.forward\n\n```python\ndef forward(\n    x, # a [`Network`](https://h/b/network.html#network)\n'
               ')\n```\n\n### forward\n')
    page = {'cells': [md('## forward', 'm2'), md(source['cells'][3]['source'], 'm3'),
                      code('show_doc(Network.forward)', 'new', [{'output_type': 'display_data',
                                                                  'data': {'text/markdown': showdoc}}])]}
    links = dc.wrong_module_links('n.ipynb', source, page, modidx)
    assert len(links) == 1 and 'cell m3' in links[0] and 'lib.mazur.forward' in links[0], links
    sigs = dc.signature_markup('n.ipynb', source, page)
    assert len(sigs) == 1 and 'cell c2 (show_doc of Network.forward)' in sigs[0], sigs
    heads = dc.repeated_headings('n.ipynb', source, page)
    assert len(heads) == 1 and '"forward"' in heads[0], heads
    wide = dc.wide_outputs('n.ipynb', source)
    assert len(wide) == 1 and 'cell c3' in wide[0] and '101 characters' in wide[0], wide
    import nbformat
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in (
        '#| export\ndef f(): pass', 'import os', 'import sys\nx = 1', 'try: import torch\nexcept ImportError: torch = None')])
    nbformat.write(book, tmp_path / 'n.ipynb')
    impure = dc.impure_import_cells('n.ipynb', tmp_path / 'n.ipynb')
    assert len(impure) == 2, impure
    bad = tmp_path / '_quarto.yml'
    bad.write_text('format:\n  html:\n    theme: cosmo\n  commonmark: default\n')
    assert len(dc.quarto_problems(bad)) == 2
