"""A user who only pip-installs the package: the wheel builds, installs into a bare virtual environment
(without nbdev or Jupyter), imports, and the `backprop` command works."""
import sys
import venv

import pytest

from conftest import CFG, run


@pytest.fixture(scope='module')
def installed(scratch, tmp_path_factory):
    "A fresh virtual environment with only the built wheel and its runtime requirements; returns its bin folder."
    tmp = tmp_path_factory.mktemp('wheel')
    res = run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-w', str(tmp / 'dist'), str(scratch)], cwd=tmp)
    assert res.returncode == 0, f'building the wheel failed:\n{res.stdout}\n{res.stderr}'
    wheels = list((tmp / 'dist').glob(f"{CFG['lib_name']}-{CFG['version']}-*.whl"))
    assert len(wheels) == 1, wheels
    venv.create(tmp / 'env', with_pip=True)
    bin_dir = tmp / 'env' / ('Scripts' if sys.platform == 'win32' else 'bin')
    res = run([str(bin_dir / 'python'), '-m', 'pip', 'install', '--quiet', str(wheels[0])], cwd=tmp)
    assert res.returncode == 0, f'installing the wheel failed:\n{res.stdout}\n{res.stderr}'
    return bin_dir


def test_imports_without_dev_tools(installed):
    code = ('import importlib.util, backprop_nbdev, backprop_nbdev.mazur, backprop_nbdev.cli; '
            'print(backprop_nbdev.__version__); '
            'print([m for m in ("nbdev", "fastcore", "jupyter_core", "IPython") if importlib.util.find_spec(m)])')
    res = run([str(installed / 'python'), '-c', code], cwd=installed)
    assert res.returncode == 0, res.stderr
    version, dev_tools = res.stdout.splitlines()
    assert version == CFG['version']
    assert dev_tools == '[]', f'the runtime install pulled in development tools: {dev_tools}'


def test_library_without_optional_dependencies(installed):
    "Every module imports and the estimators train with numpy and matplotlib alone (no scikit-learn, tqdm or torch)."
    code = ('import importlib.util, numpy as np, pkgutil, backprop_nbdev as b\n'
            'for m in pkgutil.iter_modules(b.__path__): __import__(f"backprop_nbdev.{m.name}")\n'
            'print("optional", [m for m in ("sklearn", "tqdm", "torch") if importlib.util.find_spec(m)])\n'
            'from backprop_nbdev.estimators import MLPClassifier\n'
            'from backprop_nbdev.data import two_moons\n'
            'X, y = two_moons(200, seed=0)\n'
            'clf = MLPClassifier(max_iter=30, learning_rate_init=0.01, random_state=0, verbose=True).fit(X, y)\n'
            'print("score", clf.score(X, y))\n'
            'try: clf.predict(np.ones((2, 3)))\n'
            'except ValueError as e: print("error", e)\n')
    res = run([str(installed / 'python'), '-c', code], cwd=installed, timeout=120)
    assert res.returncode == 0, res.stderr
    out = {line.split(' ', 1)[0]: line.split(' ', 1)[1] for line in res.stdout.splitlines()}
    assert out['optional'] == '[]', out
    assert float(out['score']) > 0.85, out
    assert 'X has 3 features' in out['error'], out
    assert out['Iteration'].startswith('30, loss = '), out   # verbose printed a line per epoch


def test_backprop_mazur(installed):
    res = run([str(installed / 'backprop'), 'mazur'], cwd=installed, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.count('   yes') == 24, res.stdout          # every first-round figure agrees
    assert 'E_total after 10,000 rounds' in res.stdout and '0.0000351019' in res.stdout


def test_backprop_bad_option(installed):
    res = run([str(installed / 'backprop'), 'mazur', '--lr', '-1'], cwd=installed)
    assert res.returncode == 2
    assert res.stdout == '' and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert '--lr' in res.stderr and 'Traceback' not in res.stderr


def test_backprop_explain(installed):
    "The worked example for any network works from the bare install: no Jupyter, no ipywidgets."
    res = run([str(installed / 'backprop'), 'explain', '--sizes', '3', '2', '2', '--activation', 'tanh',
               '--loss', 'cross_entropy', '--target', '1'], cwd=installed, timeout=120)
    assert res.returncode == 0, res.stderr
    assert 'delta_o2 = out_o2 - target_o2' in res.stdout and 'w10+ = w10 - eta*(dE_total/dw10)' in res.stdout, res.stdout
    res = run([str(installed / 'python'), '-c', 'from backprop_nbdev.explain import explain, step_through; '
               'print(len(step_through(explain())))'], cwd=installed)
    assert res.returncode == 0 and res.stdout.strip() == '47', res.stderr
