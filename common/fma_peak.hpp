#pragma once
// The FMA throughput of the calling core in GFLOP/s: the ceiling no kernel can pass.
// Independent chains of vector FMAs, acc = acc * b + c: a chain waits for its previous
// FMA (4 or 5 cycles on every x86 core since Haswell, which issue two a cycle), so at
// least 2 x 5 = 10 chains keep both FMA units busy; and the chains, b and c must all fit
// in registers, or every FMA waits for a load and a store (16 chains on a 16-register
// AVX2 machine measured 61 GFLOP/s where 12 give 93). So: as many chains as the register
// file holds with room for b, c and two spare. The best of windows of `window` seconds
// (at least one) over about `seconds`, so that a moment of load from another program
// does not lower it: load can only make a window slower.
//
// threads > 1: in each window that many threads run the chains at once (the caller one
// of them), and the window's rate is the sum of theirs: the ceiling of a multiply that
// runs on that many threads, measured under the same load as it.
namespace nn {

double fma_peak_gflops(double seconds, int threads = 1, double window = 0.05);

}  // namespace nn
