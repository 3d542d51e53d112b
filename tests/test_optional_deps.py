"""The optional test dependencies are really there in CI, so the checks that need them run instead of skipping."""
import importlib.util
import os

import pytest

OPTIONAL = {'torch': 'the comparisons with PyTorch autograd', 'sklearn': 'the scikit-learn datasets and estimator checks',
            'hypothesis': 'the property tests'}


@pytest.mark.parametrize('module', OPTIONAL)
def test_optional_dependency(module):
    if importlib.util.find_spec(module) is not None: return
    if os.environ.get('CI'):
        pytest.fail(f'{module} is missing in CI, so {OPTIONAL[module]} would be skipped; install it in .ci/run')
    pytest.skip(f'{module} is not installed: {OPTIONAL[module]} are skipped')
