"""The documentation input builds without Quarto: a page per notebook, a `show_doc` entry per exported name."""
import ast
import json

from conftest import CFG, ROOT, notebooks


def test_a_page_per_notebook(proc):
    for nb in notebooks():
        page = proc / nb
        assert page.exists(), f'no docs page for {nb}'
        assert json.loads(page.read_text())['cells'], f'the docs page for {nb} is empty'
    assert (proc / '_quarto.yml').exists() and (proc / 'sidebar.yml').exists()


def _page_text(page):
    "Markdown and outputs of a processed notebook, as one string."
    nb = json.loads(page.read_text())
    parts = []
    for cell in nb['cells']:
        parts.append(''.join(cell['source']))
        for out in cell.get('outputs', []):
            parts += [''.join(v) for k, v in out.get('data', {}).items() if k.startswith('text/')]
    return '\n'.join(parts)


def _exports():
    "(module file, exported name, is it a function or class) for every name in each module's __all__."
    lib = ROOT / CFG['lib_path']
    for py in sorted(lib.glob('*.py')):
        if py.name.startswith('_'): continue
        tree = ast.parse(py.read_text())
        defs = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        names = next((ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                      and any(getattr(t, 'id', None) == '__all__' for t in n.targets)), [])
        marker = 'File to edit: ../' + CFG['nbs_path'] + '/'
        source_nb = next(l for l in py.read_text().splitlines() if marker in l).split(marker)[1].rstrip('.')
        for name in names: yield source_nb, name, name in defs


def test_every_export_documented(proc):
    exports = list(_exports())
    assert exports, 'found no exported names'
    for nb, name, is_def in exports:
        text = _page_text(proc / nb)
        if is_def: assert f'### {name}\n' in text, f'{name} has no show_doc entry on the {nb} page'
        else: assert name in text, f'{name} is not mentioned on the {nb} page'
