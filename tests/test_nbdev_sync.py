"""The two checks nbdev's own CI makes, on a scratch copy: the library matches the notebooks, the notebooks are clean."""
import filecmp
import shutil

import pytest

from conftest import CFG, make_scratch_copy, run


def _differences(a, b):
    "Files that differ between two folders, recursively, ignoring caches."
    def walk(c, prefix=''):
        out = [prefix + f for f in c.diff_files + c.left_only + c.right_only]
        for name, sub in c.subdirs.items(): out += walk(sub, f'{prefix}{name}/')
        return out
    return walk(filecmp.dircmp(a, b, ignore=['__pycache__', '.ipynb_checkpoints']))


@pytest.mark.parametrize('command, folder, fix', [
    ('nbdev_export', 'lib_path', 'export the notebooks (nbdev_export) and commit the library'),
    ('nbdev_clean', 'nbs_path', 'run nbdev_clean and commit the notebooks'),
])
def test_command_changes_nothing(tmp_path, command, folder, fix):
    tree = make_scratch_copy(tmp_path / 'tree')
    before = shutil.copytree(tree / CFG[folder], tmp_path / 'before')
    res = run([command], cwd=tree)
    assert res.returncode == 0, res.stderr
    changed = _differences(before, tree / CFG[folder])
    assert not changed, f'{command} changes {changed}: {fix}'
