"""Training speed beside the peers: the same MLP on the same data, trained by backprop_nbdev, scikit-learn and PyTorch.

Each library trains a 64-128-10 ReLU network with Adam (learning rate 0.003), mini-batches of 32, softmax
cross-entropy, on the 1,438 training images of scikit-learn's digits, for a fixed number of epochs, in float64 and
float32 where the library allows it. Each configuration runs several times; the report gives the median time per
epoch, its ratio to backprop_nbdev in the same precision, and test accuracy. Run it with the BLAS settings of your
choice, e.g.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/train_digits.py

Timings are of the training loop only (data already in memory, no progress display).
"""
import argparse
import statistics
import time
import warnings

import numpy as np

from backprop_nbdev.data import Standardizer, load_digits, train_val_split
from backprop_nbdev.network import Network
from backprop_nbdev.plots import predict_classes
from backprop_nbdev.training import fit


def data():
    X, y = load_digits()
    Xt, Xv, yt, yv = train_val_split(X, y, 0.2, seed=0)
    s = Standardizer().fit(Xt)
    return s.transform(Xt), s.transform(Xv), yt, yv


def ours(Xt, Xv, yt, yv, epochs, dtype, seed):
    net = Network.from_sizes([64, 128, 10], activation='relu', seed=seed, dtype=dtype)
    Xt, Xv = Xt.astype(dtype), Xv.astype(dtype)
    start = time.perf_counter()
    fit(net, Xt, yt, 'cross_entropy', 'adam', lr=0.003, epochs=epochs, batch_size=32, seed=seed, progress=False)
    return time.perf_counter() - start, float((predict_classes(net, Xv) == yv).mean())


def sklearn(Xt, Xv, yt, yv, epochs, dtype, seed):
    from sklearn.neural_network import MLPClassifier
    clf = MLPClassifier((128,), activation='relu', solver='adam', learning_rate_init=0.003, batch_size=32, alpha=0.0,
                        max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1, shuffle=True, random_state=seed)
    Xt, Xv = Xt.astype(dtype), Xv.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # "maximum iterations reached": intended, the epoch count is fixed
        start = time.perf_counter()
        clf.fit(Xt, yt)
        elapsed = time.perf_counter() - start
    return elapsed, float(clf.score(Xv, yv))


def torch_(Xt, Xv, yt, yv, epochs, dtype, seed):
    import torch
    torch.manual_seed(seed)
    tdtype = {np.float64: torch.float64, np.float32: torch.float32}[dtype]
    model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)).to(tdtype)
    opt = torch.optim.Adam(model.parameters(), lr=0.003)
    X, y = torch.tensor(Xt, dtype=tdtype), torch.tensor(yt)
    g = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for _ in range(epochs):
        for idx in torch.randperm(len(X), generator=g).split(32):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(X[idx]), y[idx]).backward()
            opt.step()
    elapsed = time.perf_counter() - start
    with torch.no_grad():
        acc = (model(torch.tensor(Xv, dtype=tdtype)).argmax(1).numpy() == yv).mean()
    return elapsed, float(acc)


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        return '; '.join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} ({i.get('num_threads')} threads)"
                         for i in threadpool_info() if i.get('user_api') == 'blas')
    except ImportError:
        return 'unknown (install threadpoolctl to report it)'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--epochs', type=int, default=20)
    ap.add_argument('--repeats', type=int, default=5)
    args = ap.parse_args()
    Xt, Xv, yt, yv = data()
    runners = {'backprop_nbdev': ours, 'scikit-learn': sklearn, 'PyTorch': torch_}
    print(f'digits, {len(Xt)} training images, 64-128-10 ReLU MLP, Adam, batch 32, {args.epochs} epochs, '
          f'median of {args.repeats} runs')
    print(f'BLAS: {blas_info()}')
    print('ratio: time per epoch relative to backprop_nbdev in the same dtype (above 1 is slower)')
    print(f"{'library':<16}{'dtype':<9}{'per epoch':>10}{'ratio':>8}{'accuracy':>10}")
    for dtype in (np.float64, np.float32):
        base = None
        for name, runner in runners.items():
            try: runs = [runner(Xt, Xv, yt, yv, args.epochs, dtype, seed) for seed in range(args.repeats)]
            except ImportError as e:
                print(f'{name:<16}{np.dtype(dtype).name:<9} skipped: {e}')
                continue
            per_epoch = statistics.median(t for t, _ in runs) / args.epochs
            base = base or per_epoch
            acc = statistics.median(a for _, a in runs)
            print(f'{name:<16}{np.dtype(dtype).name:<9}{per_epoch * 1e3:>8.2f}ms{per_epoch / base:>8.2f}{acc:>10.1%}')


if __name__ == '__main__':
    main()
