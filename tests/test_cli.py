"""The `backprop` command as a user runs it: real processes, real signals, real pipes and real permissions."""
import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import BIN, ROOT

BACKPROP = str(BIN / 'backprop')
posix = pytest.mark.skipif(os.name != 'posix', reason='POSIX signals and permissions')


def backprop(*args, cwd, timeout=300, **kw):
    "Run the installed command; the CompletedProcess with text output."
    return subprocess.run([BACKPROP, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout, **kw)


def one_clean_line(stderr):
    "The error is a single line, with no traceback and no numpy warning."
    assert len(stderr.strip().splitlines()) == 1, stderr
    for noise in ('Traceback', 'KeyboardInterrupt', 'RuntimeWarning', 'BrokenPipeError'): assert noise not in stderr, stderr


def start(*args, cwd):
    return subprocess.Popen([BACKPROP, *map(str, args)], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(stream, text):
    "Read lines from `stream` until one contains `text`; returns everything read."
    seen = ''
    for line in stream:
        seen += line
        if text in line: return seen
    raise AssertionError(f'{text!r} never appeared; got {seen!r}')


@pytest.mark.parametrize('module', ['backprop_nbdev', 'backprop_nbdev.cli'])
def test_python_m_runs_the_command(module, tmp_path):
    res = subprocess.run([sys.executable, '-m', module, '--version'], cwd=tmp_path, capture_output=True, text=True)
    assert (res.returncode, res.stdout.split()[0]) == (0, 'backprop'), res
    res = subprocess.run([sys.executable, '-m', module], cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 2 and 'usage: backprop' in res.stderr, res
    res = subprocess.run([sys.executable, '-m', module, 'mazur', '--rounds', '0'], cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 0 and 'Forward pass' in res.stdout, res


@posix
def test_ctrl_c_stops_training_cleanly_and_saves(tmp_path):
    p = start('train', 'spirals', '--epochs', '100000', '--save', 'model.npz', cwd=tmp_path)
    wait_for(p.stderr, 'epoch 1/100000')
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 130, (out, err)
    verdict = err.strip().splitlines()[-1]                             # after the progress lines
    assert verdict.startswith('backprop train: interrupted after ') and verdict.endswith('saved to model.npz'), err
    assert 'Traceback' not in err and 'KeyboardInterrupt' not in err, err
    from backprop_nbdev.serialize import load, load_meta
    assert load(tmp_path / 'model.npz').n_in == 2 and load_meta(tmp_path / 'model.npz')['epochs'] >= 1
    assert [f.name for f in tmp_path.iterdir()] == ['model.npz']    # no temporary file left behind


@posix
def test_ctrl_c_without_save_says_nothing_was_saved(tmp_path):
    p = start('train', 'moons', '--epochs', '100000', cwd=tmp_path)
    wait_for(p.stderr, 'epoch 1/100000')
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 130 and 'nothing was saved (no --save)' in err and 'Traceback' not in err, err


@posix
def test_mazur_shows_progress_and_stops_on_ctrl_c(tmp_path):
    p = start('mazur', '--rounds', '5000000', cwd=tmp_path)
    wait_for(p.stderr, 'of 10,000,000 rounds')
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert err.strip().splitlines()[-1] == 'backprop mazur: interrupted' and 'Traceback' not in err, err


def test_absurd_rounds_are_refused_at_once(tmp_path):
    res = backprop('mazur', '--rounds', 10**12, cwd=tmp_path, timeout=30)
    assert res.returncode == 2 and 'would take hours' in res.stderr, res
    one_clean_line(res.stderr)


@posix
def test_a_closed_pipe_ends_quietly(tmp_path):
    from backprop_nbdev.network import Network
    from backprop_nbdev.serialize import save
    save(Network.from_sizes([3, 4, 1], seed=0), tmp_path / 'm.npz')
    np.savetxt(tmp_path / 'many.csv', np.random.default_rng(0).normal(size=(50_000, 3)), delimiter=',')
    p = start('predict', 'm.npz', 'many.csv', cwd=tmp_path)
    assert p.stdout.readline() == 'prediction\n'
    p.stdout.close()                                                   # the reader goes away, as `| head -1` does
    err = p.stderr.read(); p.wait(timeout=60)
    assert p.returncode == 141 and err == '', (p.returncode, err)


@posix
def test_a_closed_pipe_does_not_stop_training_or_saving(tmp_path):
    p = start('train', 'xor', '--save', 'xor.npz', cwd=tmp_path)
    p.stdout.readline(); p.stdout.close()
    err = p.stderr.read(); p.wait(timeout=120)
    assert p.returncode == 0 and 'Traceback' not in err, err
    assert (tmp_path / 'xor.npz').is_file()


@posix
def test_read_only_folder_is_refused_before_training(tmp_path):
    if os.geteuid() == 0:                       # root writes into any folder whose permissions say no: use /sys,
        folder = Path('/sys')                   # which the kernel keeps closed to new files even for root
    else:
        folder = tmp_path / 'ro'; folder.mkdir(); os.chmod(folder, 0o555)
    res = backprop('train', 'xor', '--save', folder / 'm.npz', cwd=tmp_path)
    assert res.returncode == 1, res
    one_clean_line(res.stderr)
    assert 'does not take new files' in res.stderr and res.stdout == '', res   # refused before any training
    assert not (folder / 'm.npz').exists()


def test_saving_onto_a_folder_is_one_line(tmp_path):
    (tmp_path / 'target').mkdir()
    res = backprop('train', 'xor', '--save', 'target', cwd=tmp_path)
    assert res.returncode == 1 and 'it is a folder' in res.stderr, res
    one_clean_line(res.stderr)


def test_diverging_run_is_one_clear_line(tmp_path):
    (tmp_path / 'big.csv').write_text('1,2,1000000\n3,4,2000000\n5,6,3000000\n')
    res = backprop('train', 'big.csv', '--optimizer', 'sgd', '--lr', '1', '--hidden', '--task', 'regress', '--quiet',
                   cwd=tmp_path, env={**os.environ, 'PYTHONWARNINGS': 'default'})
    assert res.returncode == 1 and 'training diverged' in res.stderr, res
    one_clean_line(res.stderr)


@pytest.mark.skipif(importlib.util.find_spec('sklearn') is None, reason='the digits need scikit-learn')
def test_digits_train_with_the_defaults(tmp_path):
    res = backprop('train', 'digits', '--quiet', cwd=tmp_path)
    assert res.returncode == 0 and '10 classes' in res.stdout, res
    assert float(res.stdout.split('val_acc ')[1].split('%')[0]) > 90, res.stdout


def test_help_lists_the_names(tmp_path):
    res = backprop('train', '--help', cwd=tmp_path)
    text = ' '.join(res.stdout.split())
    for name in ['relu', 'tanh', 'leaky_relu', 'sgd', 'adam', 'adamw', 'xor', 'moons', 'spirals', 'digits',
                 'needs scikit-learn', '64,64', '--force', '--task', 'exit status']:
        assert name in text, name
