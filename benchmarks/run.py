"""Speed and memory of backprop_nbdev beside PyTorch, scikit-learn and a plain hand-written numpy loop.

One command runs everything and writes `benchmarks/results.json` (read by the docs page `15_benchmarks`):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/run.py

Workloads (each timed in its own process per thread count, contenders interleaved, a warm-up, then `--repeats`
repeats; the ratio to every peer is taken within each repeat, and the report gives its median and range):

- W1, the worked example: 10,000 rounds of gradient descent on the 2-2-2 sigmoid network, by the procedural
  chapter-one code, the general `Network` (`loss_and_grad` and an update), `fit`, and PyTorch float64 autograd.
- W2, the digits: 64-128-10 ReLU, softmax cross-entropy, plain SGD (learning rate 0.1), batch 32, 50 epochs,
  float64; the library, the numpy loop and PyTorch start from the same weights and see the same batches (their final
  weights must agree to ~1e-12), scikit-learn's MLPClassifier trains the same shape its own way.
- W3, MNIST-sized synthetic data: 60,000 x 784, 784-256-128-10 ReLU, softmax cross-entropy, SGD, batch 128, one
  epoch, float32 and float64; plus the time of the step's matrix products alone at their real shapes (the floor).
- Memory: the peak resident memory added while training W3, each contender alone in a fresh process.

BLAS and PyTorch are pinned to the same thread count (threadpoolctl and torch.set_num_threads). Needs torch,
scikit-learn and threadpoolctl. `--quick` runs a much smaller version to check that the script works.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- the contenders' training loops


def numpy_loop(X, y, weights, biases, lr, epochs, batch_size, seed):
    """A plain hand-written numpy training loop: ReLU hidden layers, softmax cross-entropy, SGD.

    `weights[i]` has shape (n_in, n_out); the batch order is the library's (one permutation per epoch from a
    Generator seeded with `seed`). Returns the mean training loss of the last epoch."""
    rng, n, last = np.random.default_rng(seed), len(X), len(weights) - 1
    for _ in range(epochs):
        order, total = rng.permutation(n), 0.0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            xb, yb, m = X[idx], y[idx], len(idx)
            acts = [xb]
            for W, b in zip(weights[:-1], biases[:-1]):
                acts.append(np.maximum(acts[-1] @ W + b, 0))
            z = acts[-1] @ weights[-1] + biases[-1]
            z -= z.max(axis=1, keepdims=True)
            e = np.exp(z)
            s = e.sum(axis=1, keepdims=True)
            rows = np.arange(m)
            total += (np.log(s[:, 0]) - z[rows, yb]).sum()
            g = e / s
            g[rows, yb] -= 1
            g /= m
            for i in range(last, -1, -1):
                dW, db = acts[i].T @ g, g.sum(axis=0)
                if i: g = (g @ weights[i].T) * (acts[i] > 0)
                weights[i] -= lr * dW
                biases[i] -= lr * db
    return total / n


def library_fit(net, X, y, lr, epochs, batch_size, seed):
    from backprop_nbdev.training import fit
    return fit(net, X, y, 'cross_entropy', 'sgd', lr=lr, epochs=epochs, batch_size=batch_size, seed=seed,
               progress=False)


def torch_model(net):
    "A torch nn.Sequential with the library network's layers and weights."
    import torch
    layers = []
    for layer in net.layers:
        if hasattr(layer, 'weight'):
            lin = torch.nn.Linear(layer.n_in, layer.n_out, dtype={np.float32: torch.float32, np.float64: torch.float64}[layer.dtype.type])
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(layer.weight)))
                lin.bias.copy_(torch.from_numpy(layer.bias))
            layers.append(lin)
        else:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def torch_loop(model, X, y, lr, epochs, batch_size, seed):
    "PyTorch CPU: the same batches (the library's order), SGD, cross-entropy."
    import torch
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    Xt, yt, rng, n = torch.from_numpy(X), torch.from_numpy(y), np.random.default_rng(seed), len(X)
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(n))
        for idx in order.split(batch_size):
            opt.zero_grad(set_to_none=True)
            torch.nn.functional.cross_entropy(model(Xt[idx]), yt[idx]).backward()
            opt.step()
    return model


def sklearn_model(hidden, lr, epochs, batch_size, seed):
    from sklearn.neural_network import MLPClassifier
    return MLPClassifier(hidden, activation='relu', solver='sgd', learning_rate_init=lr, momentum=0.0,
                         nesterovs_momentum=False, alpha=0.0, batch_size=batch_size, max_iter=epochs, shuffle=True,
                         random_state=seed, tol=0.0, n_iter_no_change=epochs + 1)


def sklearn_fit(clf, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # "maximum iterations reached": intended, the epoch count is fixed
        return clf.fit(X, y)


# ---------------------------------------------------------------- data


def digits():
    from backprop_nbdev.data import Standardizer, load_digits, train_val_split
    X, y = load_digits()
    Xt, Xv, yt, yv = train_val_split(X, y, 0.2, seed=0)
    s = Standardizer().fit(Xt)
    return s.transform(Xt), s.transform(Xv), yt, yv


def mnist_like(n, dtype, seed=0):
    "n x 784 standard normal inputs and labels 0..9 from a random linear teacher, generated in slices (no big temporaries)."
    rng = np.random.default_rng(seed)
    X, y = np.empty((n, 784), dtype), np.empty(n, np.int64)
    teacher = rng.standard_normal((784, 10))
    for start in range(0, n, 4096):
        X[start:start + 4096] = rng.standard_normal((min(4096, n - start), 784), dtype=np.float64)
        y[start:start + 4096] = (X[start:start + 4096] @ teacher.astype(dtype)).argmax(axis=1)
    return X, y


def network(sizes, dtype, seed=0):
    from backprop_nbdev.network import Network
    return Network.from_sizes(sizes, activation='relu', seed=seed, dtype=dtype)


def numpy_params(net):
    "The network's weights as (n_in, n_out) copies and its biases, for the numpy loop."
    return ([np.ascontiguousarray(l.weight.T) for l in net.layers if hasattr(l, 'weight')],
            [l.bias.copy() for l in net.layers if hasattr(l, 'weight')])


# ---------------------------------------------------------------- timing helpers


def interleaved(contenders, repeats, warmup=True):
    """Run each contender once per repeat, in a rotating order; returns name -> list of seconds.

    `contenders` maps a name to a function of no arguments that returns (seconds, extra)."""
    names = list(contenders)
    if warmup:
        for name in names: contenders[name](warm=True)
    times, extras = {n: [] for n in names}, {}
    for r in range(repeats):
        for name in names[r % len(names):] + names[:r % len(names)]:
            seconds, extra = contenders[name](warm=False)
            times[name].append(seconds)
            extras[name] = extra
    return times, extras


def summary(times, ours):
    "Median and range of each contender's time, and of the ratio `ours` / peer taken within each repeat."
    out = {}
    for name, ts in times.items():
        row = {'median': statistics.median(ts), 'min': min(ts), 'max': max(ts), 'times': ts}
        if name != ours:
            ratios = [a / b for a, b in zip(times[ours], ts)]
            row['ratio_ours_to_this'] = {'median': statistics.median(ratios), 'min': min(ratios), 'max': max(ratios)}
        out[name] = row
    return out


def pin_threads(n):
    "Pin every BLAS/OpenMP pool and PyTorch to `n` threads; libraries are loaded first, so that all of them are seen."
    import sklearn.neural_network  # noqa: F401  (loads scikit-learn's own thread pools)
    import torch
    from threadpoolctl import threadpool_limits
    torch.set_num_threads(n)
    return threadpool_limits(limits=n)


def blas_info():
    from threadpoolctl import threadpool_info
    return [{k: i.get(k) for k in ('user_api', 'internal_api', 'version', 'architecture', 'num_threads', 'filepath')}
            for i in threadpool_info()]


# ---------------------------------------------------------------- workloads (each run in a child process)


def w1(repeats, quick):
    import torch
    from backprop_nbdev import mazur
    from backprop_nbdev.network import mazur_network
    from backprop_nbdev.training import fit
    rounds = 1000 if quick else 10_000
    ex = mazur.mazur_example()
    X, T = ex.inputs[None], ex.targets[None]

    def procedural(warm):
        t = time.perf_counter(); mazur.train(ex, 100 if warm else rounds); return time.perf_counter() - t, None

    def net_loop(warm):
        net = mazur_network()
        params = net.parameters()
        t = time.perf_counter()
        for _ in range(100 if warm else rounds):
            net.loss_and_grad(X, T, 'half_sse')
            grads = net.gradients()
            for name, p in params.items(): p -= ex.lr * grads[name]
        return time.perf_counter() - t, None

    def net_fit(warm):
        net = mazur_network()
        t = time.perf_counter()
        fit(net, X, T, 'half_sse', 'sgd', lr=ex.lr, epochs=100 if warm else rounds, batch_size=1, progress=False)
        return time.perf_counter() - t, None

    def torch_autograd(warm):
        W1 = torch.tensor(ex.w_hidden, requires_grad=True)
        W2 = torch.tensor(ex.w_output, requires_grad=True)
        x, target = torch.tensor(X), torch.tensor(T)
        t = time.perf_counter()
        for _ in range(100 if warm else rounds):
            out = torch.sigmoid(torch.sigmoid(x @ W1.T + ex.b_hidden) @ W2.T + ex.b_output)
            (0.5 * ((target - out) ** 2).sum()).backward()
            with torch.no_grad():
                W1 -= ex.lr * W1.grad; W2 -= ex.lr * W2.grad
            W1.grad = None; W2.grad = None
        return time.perf_counter() - t, None

    times, _ = interleaved({'procedural (chapter one)': procedural, 'Network.loss_and_grad loop': net_loop,
                            'fit': net_fit, 'PyTorch float64 autograd': torch_autograd}, repeats)
    return {'rounds': rounds, 'float64': {'ours': ['Network.loss_and_grad loop', 'fit'],
            'baseline': 'procedural (chapter one)', 'timings': summary(times, 'procedural (chapter one)'),
            'ratios_to_procedural': {name: summary(times, name)['procedural (chapter one)']['ratio_ours_to_this']
                                     for name in times if name != 'procedural (chapter one)'}}}


def w2(repeats, quick):
    import torch
    epochs, lr, bs = (5 if quick else 50), 0.1, 32
    Xt, Xv, yt, yv = digits()
    final = {}

    def ours(warm):
        net = network([64, 128, 10], np.float64)
        t = time.perf_counter(); library_fit(net, Xt, yt, lr, 1 if warm else epochs, bs, 0); t = time.perf_counter() - t
        final['ours'] = [p.copy() for p in net.parameters().values()]
        from backprop_nbdev.plots import predict_classes
        return t, float((predict_classes(net, Xv) == yv).mean())

    def loop(warm):
        W, b = numpy_params(network([64, 128, 10], np.float64))
        t = time.perf_counter(); numpy_loop(Xt, yt, W, b, lr, 1 if warm else epochs, bs, 0); t = time.perf_counter() - t
        final['numpy'] = [W[0].T, b[0], W[1].T, b[1]]
        pred = (np.maximum(Xv @ W[0] + b[0], 0) @ W[1] + b[1]).argmax(axis=1)
        return t, float((pred == yv).mean())

    def torch_(warm):
        model = torch_model(network([64, 128, 10], np.float64))
        t = time.perf_counter(); torch_loop(model, Xt, yt, lr, 1 if warm else epochs, bs, 0); t = time.perf_counter() - t
        final['torch'] = [p.detach().numpy().copy() for p in model.parameters()]
        with torch.no_grad(): pred = model(torch.from_numpy(Xv)).argmax(1).numpy()
        return t, float((pred == yv).mean())

    def sklearn(warm):
        clf = sklearn_model((128,), lr, 1 if warm else epochs, bs, 0)
        t = time.perf_counter(); sklearn_fit(clf, Xt, yt); t = time.perf_counter() - t
        return t, float(clf.score(Xv, yv))

    times, acc = interleaved({'fit': ours, 'numpy loop': loop, 'PyTorch': torch_, 'scikit-learn': sklearn}, repeats)
    agree = {peer: max(float(np.abs(a - b).max()) for a, b in zip(final['ours'], final[peer])) for peer in ('numpy', 'torch')}
    return {'epochs': epochs, 'float64': {'ours': ['fit'], 'timings': summary(times, 'fit'), 'test_accuracy': acc,
                                          'max_weight_difference_after_training': agree}}


def matmul_floor(dtype, n, bs, repeats=3):
    "Seconds for one epoch of the step's matrix products alone (forward, dW, and dX except the first layer's)."
    rng = np.random.default_rng(0)
    sizes = [784, 256, 128, 10]
    W = [rng.standard_normal((a, b)).astype(dtype) for a, b in zip(sizes, sizes[1:])]
    acts = [rng.standard_normal((bs, s)).astype(dtype) for s in sizes]
    grads = [rng.standard_normal((bs, s)).astype(dtype) for s in sizes[1:]]
    steps = -(-n // bs)

    def step():
        for i in range(3): acts[i] @ W[i]
        for i in range(3): acts[i].T @ grads[i]
        for i in (1, 2): grads[i] @ W[i].T
    best = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(steps): step()
        best.append(time.perf_counter() - t)
    return min(best)


def w3(repeats, quick, rows=60_000):
    import torch
    n = 6_000 if quick else rows
    lr, bs, out = 0.01, 128, {'rows': n}
    for dtype in (np.float32, np.float64):
        X, y = mnist_like(n, dtype)
        warm_rows = n // 10

        def ours(warm):
            net = network([784, 256, 128, 10], dtype)
            Xs, ys = (X[:warm_rows], y[:warm_rows]) if warm else (X, y)
            t = time.perf_counter(); library_fit(net, Xs, ys, lr, 1, bs, 0); return time.perf_counter() - t, None

        def loop(warm):
            W, b = numpy_params(network([784, 256, 128, 10], dtype))
            Xs, ys = (X[:warm_rows], y[:warm_rows]) if warm else (X, y)
            t = time.perf_counter(); numpy_loop(Xs, ys, W, b, lr, 1, bs, 0); return time.perf_counter() - t, None

        def torch_(warm):
            model = torch_model(network([784, 256, 128, 10], dtype))
            Xs, ys = (X[:warm_rows], y[:warm_rows]) if warm else (X, y)
            t = time.perf_counter(); torch_loop(model, Xs, ys, lr, 1, bs, 0); return time.perf_counter() - t, None

        def sklearn(warm):
            clf = sklearn_model((256, 128), lr, 1, bs, 0)
            Xs, ys = (X[:warm_rows], y[:warm_rows]) if warm else (X, y)
            t = time.perf_counter(); sklearn_fit(clf, Xs, ys); return time.perf_counter() - t, None

        times, _ = interleaved({'fit': ours, 'numpy loop': loop, 'PyTorch': torch_, 'scikit-learn': sklearn}, repeats)
        floor = matmul_floor(dtype, n, bs)
        s = summary(times, 'fit')
        out[np.dtype(dtype).name] = {'ours': ['fit'], 'timings': s, 'matmul_floor_seconds': floor,
                                     'share_of_floor': {k: floor / v['median'] for k, v in s.items()}}
        del X, y
    return out


def memory(contender, dtype_name, quick):
    "Peak resident memory added while training W3, in this (fresh) process."
    import resource
    import torch  # imported by every contender alike, so that its own memory is part of the baseline
    dtype = np.dtype(dtype_name).type
    n = 6_000 if quick else 60_000
    X, y = mnist_like(n, dtype)
    lr, bs = 0.01, 128
    if contender == 'fit': model = network([784, 256, 128, 10], dtype)
    elif contender == 'numpy loop': W, b = numpy_params(network([784, 256, 128, 10], dtype))
    elif contender == 'PyTorch': model = torch_model(network([784, 256, 128, 10], dtype))
    else: model = sklearn_model((256, 128), lr, 1, bs, 0)

    def rss():
        with open('/proc/self/statm') as f: return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')

    def peak():
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'): return int(line.split()[1]) * 1024
    try:
        with open('/proc/self/clear_refs', 'w') as f: f.write('5')  # reset the peak to the current resident size
        how = 'VmHWM after resetting it'
    except OSError:
        how = 'ru_maxrss (peak since start; an earlier peak can hide part of the increase)'
    before = rss()
    if contender == 'fit': library_fit(model, X, y, lr, 1, bs, 0)
    elif contender == 'numpy loop': numpy_loop(X, y, W, b, lr, 1, bs, 0)
    elif contender == 'PyTorch': torch_loop(model, X, y, lr, 1, bs, 0)
    else: sklearn_fit(model, X, y)
    after = peak() if how.startswith('VmHWM') else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {'data_mib': (X.nbytes + y.nbytes) / 2**20, 'added_mib': (after - before) / 2**20, 'measured_with': how}


# ---------------------------------------------------------------- driver


def child(args):
    pin = pin_threads(args.threads[0])  # noqa: F841 (kept alive for the whole run)
    if args.part == 'memory': result = memory(args.contender, args.dtype, args.quick)
    elif args.part == 'w3': result = w3(args.repeats, args.quick, args.w3_rows)
    else: result = {'w1': w1, 'w2': w2}[args.part](args.repeats, args.quick)
    result['blas'] = blas_info()
    json.dump(result, sys.stdout)


def run_child(*extra):
    cmd = [sys.executable, __file__, '--child', *extra]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode: raise SystemExit(f'{" ".join(extra)} failed:\n{done.stderr}')
    return json.loads(done.stdout)


def versions():
    import importlib.metadata as md
    out = {'python': platform.python_version()}
    for pkg in ('backprop_nbdev', 'numpy', 'torch', 'scikit-learn', 'threadpoolctl'):
        try: out[pkg] = md.version(pkg)
        except md.PackageNotFoundError: out[pkg] = None
    return out


def cpu_model():
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'): return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--threads', type=int, nargs='*', default=[1, 2])
    p.add_argument('--parts', nargs='*', default=['w1', 'w2', 'w3', 'memory'])
    p.add_argument('--quick', action='store_true', help='a much smaller run, to check that everything works')
    p.add_argument('--out', default=str(HERE / 'results.json'))
    p.add_argument('--w3-rows', type=int, default=60_000, help='rows of the W3 timing runs (memory always uses 60,000)')
    p.add_argument('--child', action='store_true', help=argparse.SUPPRESS)
    p.add_argument('--part', help=argparse.SUPPRESS)
    p.add_argument('--contender', help=argparse.SUPPRESS)
    p.add_argument('--dtype', help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child: return child(args)
    begin = time.perf_counter()
    results = {'meta': {'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), 'cpu': cpu_model(),
                        'cpus': os.cpu_count(), 'platform': platform.platform(), 'versions': versions(),
                        'repeats': args.repeats, 'quick': args.quick, 'w3_rows': args.w3_rows,
                        'command': ' '.join(['python', 'benchmarks/run.py', *sys.argv[1:]]),
                        'env': {k: os.environ.get(k) for k in ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OMP_NUM_THREADS')}},
               'timings': {}, 'memory': {}}
    for part in args.parts:
        if part == 'memory': continue
        for threads in args.threads:
            print(f'{part}, {threads} thread(s) ...', file=sys.stderr, flush=True)
            r = run_child('--part', part, '--threads', str(threads), '--repeats', str(args.repeats),
                          '--w3-rows', str(args.w3_rows), *(['--quick'] if args.quick else []))
            results['meta'].setdefault('blas', {})[str(threads)] = r.pop('blas')
            results['timings'].setdefault(part, {})[str(threads)] = r
            results['meta']['seconds'] = time.perf_counter() - begin
            Path(args.out).write_text(json.dumps(results, indent=1) + '\n')  # partial results survive an interrupted run
    if 'memory' in args.parts:
        for dtype in ('float32', 'float64'):
            for contender in ('fit', 'numpy loop', 'PyTorch', 'scikit-learn'):
                print(f'memory, {contender}, {dtype} ...', file=sys.stderr, flush=True)
                r = run_child('--part', 'memory', '--threads', '1', '--contender', contender, '--dtype', dtype,
                              *(['--quick'] if args.quick else []))
                r.pop('blas')
                results['memory'].setdefault(dtype, {})[contender] = r
                Path(args.out).write_text(json.dumps(results, indent=1) + '\n')
    results['meta']['seconds'] = time.perf_counter() - begin
    Path(args.out).write_text(json.dumps(results, indent=1) + '\n')
    print(report(results))


def report(results):
    "The results as Markdown tables."
    lines = [f"{results['meta']['date']}, {results['meta']['cpu']}, numpy {results['meta']['versions']['numpy']}, "
             f"torch {results['meta']['versions']['torch']}, scikit-learn {results['meta']['versions']['scikit-learn']}"]
    for threads, info in results['meta'].get('blas', {}).items():
        blas = '; '.join(f"{i['internal_api']} {i['version']} {i['architecture']}" for i in info if i['user_api'] == 'blas')
        lines.append(f'BLAS with {threads} thread(s): {blas}')
    lines += ['', '| workload | threads | dtype | contender | median s | range s | fit / this, per repeat: median (range) |',
              '|---|---|---|---|---|---|---|']
    for part, by_threads in results['timings'].items():
        for threads, r in by_threads.items():
            for dtype in ('float32', 'float64'):
                if dtype not in r: continue
                for name, row in r[dtype]['timings'].items():
                    ratio = row.get('ratio_ours_to_this')
                    text = f"{ratio['median']:.2f} ({ratio['min']:.2f}-{ratio['max']:.2f})" if ratio else ''
                    if part == 'w1':
                        ratio = r[dtype]['ratios_to_procedural'].get(name)
                        text = f"this / procedural {ratio['median']:.2f} ({ratio['min']:.2f}-{ratio['max']:.2f})" if ratio else ''
                    lines.append(f"| {part.upper()} | {threads} | {dtype} | {name} | {row['median']:.3f} | "
                                 f"{row['min']:.3f}-{row['max']:.3f} | {text} |")
                if part == 'w2':
                    lines.append(f"|  |  |  | test accuracy: {r[dtype]['test_accuracy']}; final weights, max difference "
                                 f"from fit: {r[dtype]['max_weight_difference_after_training']} |  |  |  |")
                if part == 'w3':
                    shares = ', '.join(f'{k} {v:.0%}' for k, v in r[dtype]['share_of_floor'].items())
                    lines.append(f"|  |  |  | matmul floor {r[dtype]['matmul_floor_seconds']:.3f} s; share of it: {shares} |  |  |  |")
    if results['memory']:
        lines += ['', '| W3 memory | contender | data MiB | added during training MiB |', '|---|---|---|---|']
        for dtype, r in results['memory'].items():
            for name, m in r.items():
                lines.append(f"| {dtype} | {name} | {m['data_mib']:.0f} | {m['added_mib']:.1f} |")
    lines.append(f"\ntotal {results['meta']['seconds']:.0f} s")
    return '\n'.join(lines)


if __name__ == '__main__':
    main()
