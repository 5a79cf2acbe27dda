// Appendix A, your exercises. Replace each TODO and its `throw` by the body, then run
// `make check CH=A` to see which exercises pass, and `make hint EX=A.1` when stuck.
// The rungs that are not exercises (1, 4, 5, 6) are in chapters/A-matrix-multiply/given_ladder.cpp.
#include <algorithm>
#include <cstddef>

#include "A-matrix-multiply/ladder.hpp"
#include "common/errors.hpp"

namespace ladder {

// ---------------------------------------------------------------- A.1 loop order

void matmul_ikj(int /*M*/, int /*N*/, int /*K*/, const float* /*A*/, const float* /*B*/, float* /*C*/) {
    // TODO(A.1): set C to zero, then for each row i, for each p, add A[i][p] times row p
    // of B to row i of C (innermost loop over j). Row r of a row-major X with W columns
    // starts at X + r * W.
    throw nn::NotImplemented("A.1");
}

// ---------------------------------------------------------------- A.2 cache blocking

void matmul_blocked(int /*M*/, int /*N*/, int /*K*/, const float* /*A*/, const float* /*B*/, float* /*C*/) {
    // TODO(A.2): set C to zero; for j0 = 0, kBlockN, ... and p0 = 0, kBlockK, ..., run the
    // i-k-j loops of A.1 over every row i, with p in [p0, p1) and j in [j0, j1), where the
    // block ends p1, j1 are cut at K and N (the last blocks may be smaller).
    throw nn::NotImplemented("A.2");
}

// ---------------------------------------------------------------- A.3 the plain micro-kernel

void micro_kernel_plain(int /*kc*/, const float* /*a*/, const float* /*b*/, float* /*c*/, int /*ldc*/) {
    // TODO(A.3): a local float acc[kTileRows][kTileCols] = {}; for each p < kc, for each
    // row r and column j: acc[r][j] += a[p * kTileRows + r] * b[p * kTileCols + j]; then
    // add acc to the tile of c (row stride ldc). Put `#pragma GCC unroll 16` before the
    // r loop and compare the speed with and without it (make run CH=A).
    throw nn::NotImplemented("A.3");
}

}  // namespace ladder
