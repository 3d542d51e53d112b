"""scikit-learn's own tests for its MLPs, run against backprop_nbdev's estimators with only the import changed.

The test module ships inside the installed scikit-learn (`sklearn/neural_network/tests/test_mlp.py`). It is copied
into a temporary folder, its one import of `MLPClassifier, MLPRegressor` is pointed at `backprop_nbdev.estimators`,
and pytest runs it there. Every test must pass, except the ones listed in NOT_APPLICABLE with the reason why they
cannot apply to this library.
"""
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import run

ORIGINAL = 'from sklearn.neural_network import MLPClassifier, MLPRegressor'
OURS = 'from backprop_nbdev.estimators import MLPClassifier, MLPRegressor'

LBFGS = "uses solver='lbfgs', which is not offered (mini-batch gradient methods only)"
NOT_APPLICABLE = {
    'test_gradient': LBFGS + "; also calls scikit-learn's private _loss_grad_lbfgs",
    'test_lbfgs_classification': LBFGS,
    'test_lbfgs_regression': LBFGS,
    'test_lbfgs_classification_maxfun': LBFGS + ' and its max_fun parameter',
    'test_lbfgs_regression_maxfun': LBFGS + ' and its max_fun parameter',
    'test_multilabel_classification': LBFGS + ' in its first part (the notebook tests multilabel y with adam)',
    'test_multioutput_regression': LBFGS,
    'test_predict_proba_multilabel': LBFGS,
    'test_sparse_matrices': LBFGS + '; also sparse X, which the engine does not take',
    'test_warm_start': LBFGS,
    'test_mlp_warm_start_no_convergence[lbfgs-MLPClassifier]': LBFGS,
    'test_mlp_warm_start_no_convergence[lbfgs-MLPRegressor]': LBFGS,
    'test_mlp_vs_poisson_glm_equivalent': "uses loss='poisson', which is not offered, with solver='lbfgs'",
}

# scikit-learn's own conftest provides this fixture; the copied module needs it to collect
CONFTEST = '''
import pytest

@pytest.fixture
def global_random_seed():
    return 42
'''


def _not_applicable(name):
    "The reason a test cannot apply, matching parametrised names by their base name unless listed in full."
    return NOT_APPLICABLE.get(name) or NOT_APPLICABLE.get(re.sub(r'\[.*\]$', '', name))


def test_sklearn_mlp_tests_pass(tmp_path):
    sklearn = pytest.importorskip('sklearn')
    source = Path(sklearn.__file__).parent / 'neural_network' / 'tests' / 'test_mlp.py'
    if not source.exists(): pytest.skip(f'this scikit-learn install has no test module at {source}')
    text = source.read_text(encoding='utf-8')
    assert text.count(ORIGINAL) == 1, f'the import to replace is not in {source} exactly once'
    (tmp_path / 'test_mlp.py').write_text(text.replace(ORIGINAL, OURS), encoding='utf-8')
    (tmp_path / 'conftest.py').write_text(CONFTEST, encoding='utf-8')
    (tmp_path / 'pytest.ini').write_text('[pytest]\n', encoding='utf-8')  # keeps the project's pytest.ini out
    report = tmp_path / 'report.xml'
    res = run([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', f'--junitxml={report}', 'test_mlp.py'],
              cwd=tmp_path, timeout=600)
    assert report.exists(), f'pytest did not run:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}'
    outcomes = {}
    for case in ET.parse(report).getroot().iter('testcase'):
        kinds = {child.tag for child in case}
        outcomes[case.get('name')] = ('failed' if kinds & {'failure', 'error'} else
                                      'skipped' if 'skipped' in kinds else 'passed')
    assert len(outcomes) > 40, f'only {len(outcomes)} tests collected:\n{res.stdout[-3000:]}'
    unexpected = sorted(n for n, o in outcomes.items() if o == 'failed' and not _not_applicable(n))
    assert not unexpected, f'scikit-learn tests failing against our estimators: {unexpected}\n{res.stdout[-6000:]}'
    listed = {re.sub(r'\[.*\]$', '', n) for n in outcomes} | set(outcomes)
    stale = sorted(set(NOT_APPLICABLE) - listed)
    assert not stale, f'NOT_APPLICABLE names tests that no longer exist: {stale}'
    counts = {k: sum(o == k for o in outcomes.values()) for k in ('passed', 'failed', 'skipped')}
    print(f"scikit-learn's MLP tests against ours: {counts['passed']} passed, "
          f"{counts['failed']} not applicable (failed as expected), {counts['skipped']} skipped")
