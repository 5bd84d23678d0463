"""Small real data sets for the tests, shipped as numbers (no download at test time)."""

import numpy as np

# R's datasets::mtcars: horsepower, weight (1000 lbs) and transmission (1 = manual), in row order.
MTCARS_HP = [110, 110, 93, 110, 175, 105, 245, 62, 95, 123, 123, 180, 180, 180, 205, 215,
             230, 66, 52, 65, 97, 150, 150, 245, 175, 66, 91, 113, 264, 175, 335, 109]  # fmt: skip
MTCARS_WT = [2.620, 2.875, 2.320, 3.215, 3.440, 3.460, 3.570, 3.190, 3.150, 3.440, 3.440, 4.070, 3.730, 3.780,
             5.250, 5.424, 5.345, 2.200, 1.615, 1.835, 2.465, 3.520, 3.435, 3.840, 3.845, 1.935, 2.140, 1.513,
             3.170, 2.770, 3.570, 2.780]  # fmt: skip
MTCARS_AM = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]


def mtcars_am() -> tuple[np.ndarray, np.ndarray]:
    """``am ~ hp + wt`` from mtcars: X (32, 2) float64, y (32,) int."""
    return np.column_stack([MTCARS_HP, MTCARS_WT]).astype(np.float64), np.array(MTCARS_AM)
