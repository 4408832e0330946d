"""Plain PyTorch reference for the MNIST epoch benchmark (no Pyro): the vae-mnist example's plain
TorchSharp training (src/Ppl.Examples/VaeMnist/PlainVaeTraining.cs) written in PyTorch.

The 784-400-50 VAE with softplus hidden layers (encoder heads: location, and scale = exp of the
second head; decoder: Bernoulli logits), the single-sample reparameterized -ELBO scaled to the
data set (size / batch size, as a subsampled plate does), Adam lr 1e-3; an epoch is one step per
batch of 128 of the 60,000 training images, shuffled afresh each epoch, then the -ELBO per image
of the 10,000 test images in batches of 1000 without gradients -- as MnistEpochRunner times it.

Reads the four IDX files (plain or .gz, as Ppl.Data.Mnist does) from --mnist, by default the
examples' cache: $PPL_CACHE/mnist, else $XDG_CACHE_HOME/ppl/mnist, else ~/.cache/ppl/mnist
(run `dotnet run --project src/Ppl.Examples -- vae-mnist` once, or the benchmark's `epoch` mode,
to fetch them). Only the epoch is timed (not the import, the file reading or the warm-up).
Prints one JSON line per epoch. Run with Debian's python3-torch:
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 vae_epoch.py --threads 1 --epochs 1
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from vae_networks import HALF_LOG_2PI, Decoder, Encoder, X


def default_folder():
    if os.environ.get("PPL_CACHE"):
        return os.path.join(os.environ["PPL_CACHE"], "mnist")
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(root, "ppl", "mnist")


def read_idx(folder, name):
    """An IDX file's array (uint8 data only, as MNIST's), from name or name.gz in folder."""
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(path, "rb") as f:
                raw = f.read()
            break
    else:
        raise SystemExit(f"vae_epoch.py: MNIST: {name} (or {name}.gz) is not in {folder}")
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise SystemExit(f"vae_epoch.py: {path} is not an IDX file of unsigned bytes")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(raw[3])]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def pixels(folder, prefix, limit):
    images = read_idx(folder, f"{prefix}-images-idx3-ubyte")
    if limit:
        images = images[:limit]
    return torch.from_numpy(images.reshape(len(images), X).astype(np.float32) / 255.0)


class PlainVaeTraining:
    """PlainVaeTraining.cs in PyTorch: same estimator, same scaling, same optimizer settings."""

    def __init__(self, seed, lr, foreach):
        torch.manual_seed(seed)
        self.encoder, self.decoder = Encoder(), Decoder()
        params = list(self.encoder.parameters()) + list(self.decoder.parameters())
        self.adam = torch.optim.Adam(params, lr=lr, foreach=foreach)
        self.noise = torch.Generator().manual_seed(seed)

    def negative_elbo(self, x, data_size):
        loc, scale = self.encoder(x)
        epsilon = torch.randn(loc.shape, generator=self.noise)
        z = loc + scale * epsilon
        # log N(z; loc, scale) with (z - loc)/scale = epsilon, and log N(z; 0, 1), summed over the code
        log_q = epsilon.square().mul(-0.5).sub(scale.log()).sub(HALF_LOG_2PI).sum(-1)
        log_prior = z.square().mul(-0.5).sub(HALF_LOG_2PI).sum(-1)
        log_likelihood = F.binary_cross_entropy_with_logits(self.decoder(z), x, reduction="none").sum(-1).neg()
        return log_q.sub(log_prior).sub(log_likelihood).sum().mul(data_size / len(x))

    def step(self, x, data_size):
        self.adam.zero_grad()
        loss = self.negative_elbo(x, data_size)
        loss.backward()
        self.adam.step()
        return loss.item() / data_size

    def train_epoch(self, images, batch_size, order):
        n, total = len(images), 0.0
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            total += self.step(images[rows], n) * len(rows) / n  # advanced indexing, as MiniBatch.Select
        return total

    def evaluate(self, images, batch_size):
        n, total = len(images), 0.0
        with torch.no_grad():
            for start in range(0, n, batch_size):
                x = images[start:start + batch_size]
                total += self.negative_elbo(x, n).item() * len(x) / n
        return total / n


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mnist", default=default_folder(), help="folder of the IDX files (default: %(default)s)")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (set OMP/OPENBLAS_NUM_THREADS alike)")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--limit", type=int, default=0, help="use only the first LIMIT training and test images (smoke tests)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--test-batch", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--warmup", type=int, default=5, help="untimed steps on a throwaway copy first (allocator, thread pool)")
    p.add_argument("--foreach", action="store_true", help="Adam(foreach=True), multi-tensor updates")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    train = pixels(a.mnist, "train", a.limit)
    test = pixels(a.mnist, "t10k", a.limit)
    batch, test_batch = min(a.batch, len(train)), min(a.test_batch, len(test))

    if a.warmup > 0:
        scratch = PlainVaeTraining(a.seed + 1, 1e-3, a.foreach)
        for i in range(a.warmup):
            scratch.step(train[(i * batch) % len(train):][:batch], len(train))
        scratch.evaluate(test[:test_batch], test_batch)

    vae = PlainVaeTraining(a.seed, 1e-3, a.foreach)
    shuffle = torch.Generator().manual_seed(a.seed)
    pc = time.perf_counter
    for epoch in range(a.epochs):
        t0 = pc()
        order = torch.randperm(len(train), generator=shuffle)  # inside the clock, as MiniBatches.Epoch is
        train_loss = vae.train_epoch(train, batch, order)
        t1 = pc()
        test_loss = vae.evaluate(test, test_batch)
        t2 = pc()
        print(json.dumps({
            "bench": "vae_epoch_pytorch", "epoch": epoch + 1, "seconds": round(t2 - t0, 4),
            "train_seconds": round(t1 - t0, 4), "test_seconds": round(t2 - t1, 4),
            "train_loss": round(train_loss, 4), "test_neg_elbo": round(test_loss, 4),
            "train_images": len(train), "test_images": len(test), "batch": batch,
            "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
