"""Plain PyTorch reference for the Ppl VAE benchmarks (no Pyro): one SVI-equivalent step of the
784-400-50 softplus VAE with a Bernoulli-logits decoder, batch 128, Adam lr 1e-3 -- the same
computation as VaeBenchmarks.RawTorchSharp in C#.

Phases (--phases) time forward, backward and optimizer separately. Prints one JSON line.
Run with Debian's python3-torch: /usr/bin/python3 vae_step.py --threads 1 --steps 200

--forever trains until the process is killed instead, printing one line about every ten seconds
(benchmarks/load/with-load.sh pytorch n [threads] starts n of these as a busy setup).
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F

from vae_networks import HALF_LOG_2PI, Decoder, Encoder, X

B = 128


def loss_of(enc, dec, x):
    loc, scale = enc(x)
    z = loc + scale * torch.randn_like(loc)
    log_q = ((z - loc) / scale).square().mul(-0.5).sub(scale.log()).sub(HALF_LOG_2PI).sum()
    log_pz = z.square().mul(-0.5).sub(HALF_LOG_2PI).sum()
    logits = dec(z)
    log_px = (x * logits - F.softplus(logits)).sum()
    return -(log_pz + log_px - log_q)


def forever(step, threads):
    """Steps until killed; one line about every ten seconds, nothing per step."""
    print(f"vae_step --forever: VAE 784-400-50, batch 128, {torch.get_num_threads()} intra-op thread(s) "
          f"(asked {threads}), pid {os.getpid()}; kill the process to stop", flush=True)
    steps, reported, since = 0, 0, time.perf_counter()
    while True:
        step()
        steps += 1
        now = time.perf_counter()
        if now - since >= 10:
            print(f"vae_step --forever: {steps} steps, {(now - since) * 1e3 / (steps - reported):.2f} ms/step "
                  f"over the last {now - since:.0f} s", flush=True)
            reported, since = steps, now


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--foreach", action="store_true", help="Adam(foreach=True), multi-tensor updates")
    p.add_argument("--phases", action="store_true")
    p.add_argument("--forever", action="store_true", help="train until killed (a load for with-load.sh)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(7)
    x = torch.bernoulli(torch.full((B, X), 0.3))
    torch.manual_seed(11)
    enc, dec = Encoder(), Decoder()
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=1e-3, foreach=a.foreach)

    def step():
        loss = loss_of(enc, dec, x)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=False)
        return loss.item()

    if a.forever:
        forever(step, a.threads)
        return
    for _ in range(a.warmup):
        step()
    medians, phase = [], {"forward": [], "backward": [], "optimizer": []}
    pc = time.perf_counter
    for _ in range(a.repeats):
        times = []
        for _ in range(a.steps):
            t0 = pc()
            if a.phases:
                loss = loss_of(enc, dec, x)
                t1 = pc()
                loss.backward()
                t2 = pc()
                opt.step()
                opt.zero_grad(set_to_none=False)
                loss.item()
                t3 = pc()
                phase["forward"].append(t1 - t0)
                phase["backward"].append(t2 - t1)
                phase["optimizer"].append(t3 - t2)
            else:
                step()
            times.append(pc() - t0)
        medians.append(statistics.median(times) * 1e3)
    out = {"bench": "vae_step_pytorch", "threads": torch.get_num_threads(), "torch": torch.__version__,
           "foreach": a.foreach, "median_ms_per_step": round(statistics.median(medians), 4),
           "per_repeat_median_ms": [round(m, 4) for m in medians]}
    if a.phases:
        out["phase_median_ms"] = {k: round(statistics.median(v) * 1e3, 4) for k, v in phase.items()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
