"""The two checks nbdev's own CI makes, on a scratch copy: the library matches the notebooks, the notebooks are clean."""
import filecmp
import shutil

from conftest import CFG, make_scratch_copy, run


def _differences(a, b):
    "Files that differ between two folders, recursively, ignoring caches."
    cmp = filecmp.dircmp(a, b, ignore=['__pycache__', '.ipynb_checkpoints'])
    def walk(c, prefix=''):
        out = [prefix + f for f in c.diff_files + c.left_only + c.right_only]
        for name, sub in c.subdirs.items(): out += walk(sub, f'{prefix}{name}/')
        return out
    return walk(cmp)


def test_library_matches_notebooks(tmp_path):
    tree = make_scratch_copy(tmp_path / 'tree')
    before = shutil.copytree(tree / CFG['lib_path'], tmp_path / 'before')
    res = run(['nbdev_export'], cwd=tree)
    assert res.returncode == 0, res.stderr
    changed = _differences(before, tree / CFG['lib_path'])
    assert not changed, f'nbdev_export changes {changed}: export the notebooks and commit the library'


def test_notebooks_are_clean(tmp_path):
    tree = make_scratch_copy(tmp_path / 'tree')
    before = shutil.copytree(tree / CFG['nbs_path'], tmp_path / 'before')
    res = run(['nbdev_clean'], cwd=tree)
    assert res.returncode == 0, res.stderr
    changed = _differences(before, tree / CFG['nbs_path'])
    assert not changed, f'nbdev_clean changes {changed}: run nbdev_clean and commit'
