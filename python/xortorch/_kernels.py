"""The numba-compiled functions of :mod:`xortorch._fused`, imported only where numba is installed.

They live at module level, not inside a function, so numba's cache finds them in the next process: a
kernel defined inside a function closes over its helpers, and numba keys its cache on a pickle of them
that differs in every process, so every process compiled anew (about 5 s). The cache itself is attached
by :mod:`xortorch._kernel_cache` once this module is imported, in a folder it has checked: defined
with ``cache=True``, importing this module would fail where numba finds no writable folder.
"""

import numba
import numpy as np

# error_model="numpy": no zero-division checks (none of the divisions here can be by zero), which
# would otherwise keep the compiler from vectorising the loops (3.6x on the tanh loop, measured).
# fastmath "reassoc" (and "contract", for fused multiply-adds) lets it split the gradient sums over
# rows into SIMD lanes (1.8x on the whole kernel); none of the flags that assume finite values, so a
# NaN still propagates. The compiled order is fixed, so the same seed gives the same bits every run.
FLAGS = {"reassoc", "contract"}
# The helpers are inlined into numba's IR and compiled with their caller's flags.
jit = numba.njit(nogil=True, inline="always", error_model="numpy")


@jit
def tanh_parts(x):  # pragma: no cover - compiled
    """Eigen's float tanh as (x, p, q), tanh = x p / q: an odd rational function on [-7.9, 7.9], where
    float32's tanh reaches +-1. Clamped by comparisons, which a NaN fails, so that NaN stays NaN."""
    edge = np.float32(7.90531110763549805)
    x = edge if x > edge else (-edge if x < -edge else x)
    x2 = x * x
    p = x2 * np.float32(-2.76076847742355e-16) + np.float32(2.00018790482477e-13)
    p = p * x2 + np.float32(-8.60467152213735e-11)
    p = p * x2 + np.float32(5.12229709037114e-08)
    p = p * x2 + np.float32(1.48572235717979e-05)
    p = p * x2 + np.float32(6.37261928875436e-04)
    p = p * x2 + np.float32(4.89352455891786e-03)
    q = x2 * np.float32(1.19825839466702e-06) + np.float32(1.18534705686654e-04)
    q = q * x2 + np.float32(2.26843463243900e-03)
    q = q * x2 + np.float32(4.89352518554385e-03)
    return x, p, q


@jit
def tanh(x):  # pragma: no cover - compiled
    x, p, q = tanh_parts(x)
    return x * p / q


@jit
def log1p_atanh(u):  # pragma: no cover - compiled
    """log1p(e) as 2 atanh(u), u = e / (2 + e) in [0, 1/3] for e in [0, 1]: the series to u^15 is within 1e-9."""
    u2 = u * u
    s = np.float32(1.0 / 15.0)
    s = s * u2 + np.float32(1.0 / 13.0)
    s = s * u2 + np.float32(1.0 / 11.0)
    s = s * u2 + np.float32(1.0 / 9.0)
    s = s * u2 + np.float32(1.0 / 7.0)
    s = s * u2 + np.float32(1.0 / 5.0)
    s = s * u2 + np.float32(1.0 / 3.0)
    s = s * u2 + np.float32(1.0)
    return np.float32(2.0) * u * s


@numba.njit(nogil=True, error_model="numpy", fastmath=FLAGS)
def run_batches(
    X, y, w, perms, group, order, start, stop, first, last, batch, W1, b1, W2, b2, lr, keep, totals, tails
):  # pragma: no cover
    """SGD over the batches of rows ``start:stop`` of each permutation, for models ``order[first:last]``.

    ``perms`` (G, n) holds one permutation per seed, ``group`` (M,) each model's; ``order`` lists the
    models with equal groups together, so each seed's rows are gathered once. The weights are (M, H, p),
    (M, H), (M, H), (M,), updated in place; ``lr`` and ``keep`` (= 1 - lr * weight_decay) are (M,).
    Per batch: the summed gradient of ``w_i * BCEWithLogits(z_i, y_i)``, then ``param = param * keep -
    lr / B * grad``. Adds each model's summed weighted loss of these rows, at the weights their batch
    saw, to ``totals`` (M,), and that of the epoch's last batch, if among them, to ``tails`` (M,).
    Loops run over the rows of a batch, contiguous, so they vectorise.
    """
    H, p = W1.shape[1], W1.shape[2]
    one, half, zero = np.float32(1.0), np.float32(0.5), np.float32(0.0)
    R = stop - start
    xs = np.empty((p, R), np.float32)
    ys = np.empty(R, np.float32)
    ws = np.empty(R, np.float32)
    B = min(batch, R)
    a = np.empty(B, np.float32)
    z = np.empty(B, np.float32)
    d = np.empty(B, np.float32)
    h = np.empty((H, B), np.float32)
    gW1 = np.empty((H, p), np.float32)
    gb1 = np.empty(H, np.float32)
    gW2 = np.empty(H, np.float32)
    gathered = -1
    for o in range(first, last):
        m = order[o]
        if group[m] != gathered:
            gathered = group[m]
            for r in range(R):
                i = perms[gathered, start + r]
                ys[r] = y[i]
                ws[r] = w[i]
                for q in range(p):
                    xs[q, r] = X[i, q]
        W1m, b1m, W2m = W1[m], b1[m], W2[m]
        total = zero
        for f in range(0, R, batch):
            n = min(batch, R - f)
            before = total  # the last batch's loss is what it adds: no second sum in the loop below
            # Views, not offsets: with xs[q, f + r] the compiler cannot tell the index is never
            # negative and gives up vectorising (1.8x, measured).
            xb, yb, wb = xs[:, f : f + n], ys[f : f + n], ws[f : f + n]
            for r in range(n):  # forward: a = W1 x + b1, h = tanh(a), z = W2 h + b2
                z[r] = b2[m]
            for j in range(H):
                for r in range(n):
                    a[r] = b1m[j]
                for q in range(p):
                    W1jq = W1m[j, q]
                    for r in range(n):
                        a[r] += W1jq * xb[q, r]
                W2j = W2m[j]
                for r in range(n):
                    t = tanh(a[r])
                    h[j, r] = t
                    z[r] += W2j * t
            gb2 = zero
            for r in range(n):
                # t = tanh(z / 2), so sigmoid(z) = (1 + t) / 2 and dL/dz = sigmoid(z) - y, weighted.
                x, tp, tq = tanh_parts(half * z[r])
                t = x * tp / tq
                dr = (half + half * t - yb[r]) * wb[r]
                d[r] = dr
                gb2 += dr
                # BCE with logits = softplus(s), s = (1 - 2y) z: max(s, 0) + log1p(e^-|s|), where
                # e^-|s| = (1 - |t|) / (1 + |t|); log1p_atanh's u = e / (2 + e) is then one division.
                s = (one - np.float32(2.0) * yb[r]) * z[r]
                xp = abs(x) * tp
                u = (tq - xp) / (np.float32(3.0) * tq + xp)
                positive = s if not s <= zero else zero  # max(s, 0), keeping NaN
                total += wb[r] * (positive + log1p_atanh(u))
            for j in range(H):  # backward: dL/da = W2 dL/dz (1 - h^2), kept in a
                W2j = W2m[j]
                sum_W2 = zero
                sum_b1 = zero
                for r in range(n):
                    hr = h[j, r]
                    sum_W2 += d[r] * hr
                    a[r] = d[r] * W2j * (one - hr * hr)
                    sum_b1 += a[r]
                gW2[j] = sum_W2
                gb1[j] = sum_b1
                for q in range(p):
                    sum_W1 = zero
                    for r in range(n):
                        sum_W1 += a[r] * xb[q, r]
                    gW1[j, q] = sum_W1
            if start + f + n == perms.shape[1]:  # the epoch's last batch
                tails[m] += total - before
            step = lr[m] / np.float32(n)
            k = keep[m]
            b2[m] = b2[m] * k - step * gb2
            for j in range(H):
                b1m[j] = b1m[j] * k - step * gb1[j]
                W2m[j] = W2m[j] * k - step * gW2[j]
                for q in range(p):
                    W1m[j, q] = W1m[j, q] * k - step * gW1[j, q]
        totals[m] += total


# No fused multiply-adds here: like torch's, x0 w0 + x1 w1 gives NaN when the products overflow to
# +inf and -inf, which predict() refuses; a multiply-add would give +-inf and a confident class.
@numba.njit(nogil=True, error_model="numpy")
def forward(X, W1, b1, W2, b2, out):  # pragma: no cover - compiled
    """Logits ``out`` (M, n) of M models, (M, H, p), (M, H), (M, 1, H), (M, 1), for the rows of X (n, p)."""
    M, H, p = W1.shape
    n = X.shape[0]
    block = 512
    xs = np.empty((p, block), np.float32)
    a = np.empty(block, np.float32)
    z = np.empty(block, np.float32)
    for f in range(0, n, block):
        k = min(block, n - f)
        xb = X[f : f + k]  # views, not offsets (see run_batches)
        for q in range(p):  # the block's rows as columns, so each loop below is contiguous
            for r in range(k):
                xs[q, r] = xb[r, q]
        for m in range(M):
            for r in range(k):
                z[r] = b2[m, 0]
            for j in range(H):
                for r in range(k):
                    a[r] = b1[m, j]
                for q in range(p):
                    W1jq = W1[m, j, q]
                    xq = xs[q]
                    for r in range(k):
                        a[r] += W1jq * xq[r]
                W2j = W2[m, 0, j]
                for r in range(k):
                    z[r] += W2j * tanh(a[r])
            row = out[m, f : f + k]
            for r in range(k):
                row[r] = z[r]


# torch's CPU generator is a 32-bit Mersenne Twister (at::mt19937); randperm(n) for n < 2^32 / 20 is a
# Fisher-Yates shuffle of 0..n-1 swapping i with i + random() % (n - i). The same here, from the same
# state, gives the same permutations without torch's ~24 ns per element (its 64-bit modulo).
MT_N, MT_M = 624, 397


@numba.njit(nogil=True)
def _twist(mt):  # pragma: no cover - compiled
    """The next 624 words of the twister's state, in place (the reference algorithm, loops split so
    that no index wraps)."""
    upper, lower, matrix = np.uint32(0x80000000), np.uint32(0x7FFFFFFF), np.uint32(0x9908B0DF)
    for k in range(MT_N - MT_M):
        y = (mt[k] & upper) | (mt[k + 1] & lower)
        mt[k] = mt[k + MT_M] ^ (y >> np.uint32(1)) ^ (matrix * (mt[k + 1] & np.uint32(1)))
    for k in range(MT_N - MT_M, MT_N - 1):
        y = (mt[k] & upper) | (mt[k + 1] & lower)
        mt[k] = mt[k + MT_M - MT_N] ^ (y >> np.uint32(1)) ^ (matrix * (mt[k + 1] & np.uint32(1)))
    y = (mt[MT_N - 1] & upper) | (mt[0] & lower)
    mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> np.uint32(1)) ^ (matrix * (mt[0] & np.uint32(1)))


@numba.njit(nogil=True)
def randperms(mt, position, out):  # pragma: no cover - compiled
    """One ``torch.randperm(n)`` per generator into ``out`` (G, n): ``mt`` (G, 624) uint32 holds each
    twister's state and ``position`` (G, 2) its ``left`` and ``next``, both advanced in place."""
    n = out.shape[1]
    words = np.empty(max(n - 1, 0), np.uint32)
    for g in range(out.shape[0]):
        state, row = mt[g], out[g]
        left, following = position[g, 0], position[g, 1]
        # The n - 1 random words first, tempered in runs that vectorise. torch refills the state when a
        # draw takes ``left`` to 0, so a run takes at most left - 1 words.
        drawn = 0
        while drawn < n - 1:
            if left == 1:
                _twist(state)
                left, following = MT_N + 1, 0
            run = min(n - 1 - drawn, left - 1)
            for t in range(run):
                y = state[following + t]
                y ^= y >> np.uint32(11)
                y ^= (y << np.uint32(7)) & np.uint32(0x9D2C5680)
                y ^= (y << np.uint32(15)) & np.uint32(0xEFC60000)
                words[drawn + t] = y ^ (y >> np.uint32(18))
            drawn += run
            left -= run
            following += run
        for i in range(n):
            row[i] = i
        for i in range(n - 1):
            # words[i] % m by a float64 division, which pipelines where the integer one does not. Exact for
            # 32-bit operands: the quotient's rounding error, below 2^-21 / m, is less than its distance
            # from the next integer, at least 1 / m, so truncating it gives the integer quotient.
            m = n - i
            z = i + np.int64(words[i]) - np.int64(np.float64(words[i]) / np.float64(m)) * m
            row[i], row[z] = row[z], row[i]
        position[g, 0], position[g, 1] = left, following
