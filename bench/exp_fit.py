#!/usr/bin/env python3
"""Coefficients of VectorOps.exp's polynomial: e^r ~ 1 + r + r^2 (c0 + c1 r + ... + c4 r^4)
on |r| <= ln(2)/2, minimising the largest relative error (a linear programme over a fine grid).

Prints the coefficients as float32 literals. Needs numpy and scipy (Debian: python3-scipy).
"""
import numpy as np
from scipy.optimize import linprog

DEGREE = 4  # of the bracket, so the whole polynomial has degree 6
r = np.linspace(-np.log(2) / 2, np.log(2) / 2, 4001)
e = np.exp(r)
basis = np.stack([r ** (k + 2) / e for k in range(DEGREE + 1)], axis=1)
fixed = (1 + r) / e - 1
# minimise t subject to |fixed + basis @ c| <= t at every grid point
n = basis.shape[1]
ones = np.ones((len(r), 1))
a_ub = np.vstack([np.hstack([basis, -ones]), np.hstack([-basis, -ones])])
b_ub = np.concatenate([-fixed, fixed])
res = linprog(np.r_[np.zeros(n), 1.0], A_ub=a_ub, b_ub=b_ub,
              bounds=[(None, None)] * n + [(0, None)], method="highs")
coefficients = [np.float32(c) for c in res.x[:n]]
approx = 1 + r + r * r * np.polyval(np.array(coefficients[::-1], dtype=np.float64), r)
print("largest relative error in double:", np.max(np.abs(approx / e - 1)))
for k, c in enumerate(coefficients):
    print(f"C{k} = {float(c)!r}f")
