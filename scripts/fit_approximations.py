"""Fits the rational approximations of erf and tanh used by Sources/ElectraTensor/VectorMath.swift.

Both functions are odd, so they are fitted as  f(x) ≈ x · P(x²) / Q(x²)  with Q(0) = 1, minimising the
relative error on Chebyshev-spaced points of [0, bound] by iteratively reweighted linear least squares
(a Loeb / Sanathanan–Koerner iteration with Lawson-style weights). The printed coefficients are the
ones in VectorMath.swift (constant term first); the script then evaluates them in float32, as the
Swift code does, and reports the worst relative error.

    python3 scripts/fit_approximations.py        # needs numpy and scipy only
"""
import numpy as np
from scipy.special import erf


def fit(f, bound, numerator_degree, denominator_degree, iterations, points=4000):
    t = np.cos(np.linspace(0, np.pi, points)) * 0.5 * (bound - 1e-6) + 0.5 * (bound + 1e-6)
    target = f(t) / t
    v = t * t
    weights = np.ones_like(t)
    q_previous = np.ones_like(t)
    for _ in range(iterations):
        # P(v) - target·(Q(v) - 1) = target, linear in the coefficients of P and Q.
        a = np.hstack([np.vander(v, numerator_degree + 1, increasing=True),
                       -target[:, None] * np.vander(v, denominator_degree + 1, increasing=True)[:, 1:]])
        w = weights / np.abs(q_previous) / np.abs(target)
        c, *_ = np.linalg.lstsq(a * w[:, None], target * w, rcond=None)
        p, q = c[:numerator_degree + 1], np.concatenate([[1.0], c[numerator_degree + 1:]])
        q_previous = np.polyval(q[::-1], v)
        error = np.abs(np.polyval(p[::-1], v) / q_previous - target) / np.abs(target)
        weights = weights * (error / error.max()) ** 0.5 + 1e-3 * weights
        weights /= weights.max()
    return p, q


def float32_error(f, p, q, bound):
    x = np.linspace(-bound, bound, 400001).astype(np.float32)
    x2 = x * x
    num = np.float32(p[-1])
    for c in p[-2::-1]:
        num = num * x2 + np.float32(c)
    den = np.float32(q[-1])
    for c in q[-2::-1]:
        den = den * x2 + np.float32(c)
    approx = (x * num / den).astype(np.float32)
    exact = f(x.astype(np.float64))
    return np.max(np.abs(approx - exact) / np.maximum(np.abs(exact), 1e-30))


for name, f, bound, degrees, iterations in [("erf", erf, 4.0, (6, 4), 30), ("tanh", np.tanh, 9.0, (4, 4), 60)]:
    p, q = fit(f, bound, *degrees, iterations)
    print(f"{name} on [-{bound}, {bound}]: x·P(x²)/Q(x²)")
    print("  P:", ", ".join(repr(float(c)) for c in p))
    print("  Q:", ", ".join(repr(float(c)) for c in q))
    print(f"  worst relative error in float32: {float32_error(f, p, q, bound):.3g}")
