"""README.md is generated from nbs/index.ipynb and must agree with it."""
from make_readme import README, render


def test_readme_matches_index():
    assert README.read_text(encoding='utf-8') == render(), \
        'README.md and nbs/index.ipynb disagree: run `python tests/make_readme.py` and commit README.md'
