"""A GAN whose generator learns a 2-D mixture of 8 Gaussians on a ring.

Generator: noise (8) -> MLP -> a point; discriminator: point -> MLP -> a logit;
both trained with Adam on the non-saturating loss (BCE with logits), the
discriminator also with an R1 gradient penalty (a double backward through it,
``gg.grad(..., create_graph=True)``), which keeps the game from
collapsing onto a few modes. At the end
2,000 generated points are assigned to their nearest mode; a point is "good"
when it lies within 3 standard deviations of it. Printed: how many of the 8
modes hold at least 2% of the good points, the fraction of good points, and
how evenly the good points spread over the modes (entropy / ln 8; 1 = even).

    python examples/gan_2d.py [--steps 3000] [--r1 1.0]
"""
import os

# NOTE: small matrices: BLAS threads cost more than they save (see cnn_digits.py).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import graphgrad as gg  # noqa: E402
import graphgrad.nn.functional as F  # noqa: E402
from graphgrad import nn  # noqa: E402

SEED = 0
MODES = 8
RADIUS, STD, NOISE = 2.0, 0.05, 8
R1 = 1.0  # weight of the gradient penalty on real points (0 turns it off)
CENTRES = RADIUS * np.stack([np.cos(2 * np.pi * np.arange(MODES) / MODES),
                             np.sin(2 * np.pi * np.arange(MODES) / MODES)], axis=1)


def sample_real(rng, n):
    """``n`` points from the ring of Gaussians, float32."""
    which = rng.integers(0, MODES, n)
    return (CENTRES[which] + STD * rng.standard_normal((n, 2))).astype(np.float32)


def mlp(inputs, outputs, hidden=128):
    return nn.Sequential(nn.Linear(inputs, hidden), nn.LeakyReLU(0.2),
                         nn.Linear(hidden, hidden), nn.LeakyReLU(0.2),
                         nn.Linear(hidden, outputs))


def noise(rng, n):
    return gg.Tensor(rng.standard_normal((n, NOISE)).astype(np.float32))


def train(generator, discriminator, steps, rng, batch=256, r1=R1):
    opt_g = nn.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.5, 0.999))
    opt_d = nn.optim.Adam(discriminator.parameters(), lr=1e-3, betas=(0.5, 0.999))
    ones, zeros = np.ones((batch, 1), np.float32), np.zeros((batch, 1), np.float32)
    for _ in range(steps):
        # discriminator: real -> 1, fake -> 0 (the fake batch is detached from G)
        fake = generator(noise(rng, batch)).detach()
        real = gg.Tensor(sample_real(rng, batch), requires_grad=True)
        real_logits = discriminator(real)
        d_loss = (F.binary_cross_entropy_with_logits(real_logits, gg.Tensor(ones))
                  + F.binary_cross_entropy_with_logits(discriminator(fake),
                                                       gg.Tensor(zeros)))
        # R1 penalty: keep D flat on the real data; its gradient is a second derivative
        (slope,) = gg.grad(real_logits.sum(), real, create_graph=True)
        d_loss = d_loss + (r1 / 2) * (slope * slope).sum(axis=1).mean()
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        # generator: make D call its samples real (non-saturating loss)
        g_loss = F.binary_cross_entropy_with_logits(discriminator(generator(noise(rng, batch))),
                                                    gg.Tensor(ones))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
    return d_loss.item(), g_loss.item()


def coverage(points):
    """(modes with >= 2% of the good points, fraction good, evenness over the modes)."""
    distances = np.linalg.norm(points[:, None, :] - CENTRES[None], axis=2)
    nearest = distances.argmin(axis=1)
    good = distances.min(axis=1) < 3 * STD
    counts = np.bincount(nearest[good], minlength=MODES)
    share = counts / max(counts.sum(), 1)
    covered = int(np.sum(share >= 0.02))
    nonzero = share[share > 0]
    evenness = max(0.0, float(-(nonzero * np.log(nonzero)).sum() / np.log(MODES)))
    return covered, float(good.mean()), evenness


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--r1", type=float, default=R1, help="R1 penalty weight (0: off)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    gg.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    generator, discriminator = mlp(NOISE, 2), mlp(2, 1)
    d_loss, g_loss = train(generator, discriminator, args.steps, rng, r1=args.r1)
    with gg.no_grad():
        points = generator(noise(np.random.default_rng(SEED + 1), 2000)).data
    covered, good, evenness = coverage(points)
    elapsed = time.perf_counter() - start
    print(f"gan_2d: {args.steps} steps, R1 {args.r1}, final losses D {d_loss:.3f} G {g_loss:.3f}")
    print(f"gan_2d: modes covered {covered}/{MODES}, samples within 3 std of a mode "
          f"{good:.1%}, evenness over modes {evenness:.2f}  time {elapsed:.1f} s")
    return covered, good, evenness


if __name__ == "__main__":
    main()
