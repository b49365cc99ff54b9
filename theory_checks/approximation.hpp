// Explicit sigmoid networks that approximate ReLU (claim C4), interval-arithmetic
// certification of their error, and the lower bound for piecewise-linear (ReLU network)
// approximations of the sigmoid (claim C5). Derivations: proofs_notes/approximation.md.
#pragma once

#include "check_result.hpp"

#include "solver/network.hpp"

#include <string>
#include <vector>

namespace deepadmm::approx {

// Parameters of the 1-2-4-1 sigmoid network N with sup_{|t|<=a} |N(t) - max(t,0)| <= eps:
//   layer 1: u1 = sigma(h1 t), u2 = sigma(k t); x = (4/h1)(u1 - 1/2) approximates t;
//   layer 2: sigma(z0 + s h (x + r u2)) for s, r in {+1,-1};
//   output:  c (sum over r of r (sigma(z0+h(x+r u2)) + sigma(z0-h(x+r u2)))), c = 1/(4 h^2 sigma''(z0)),
// which approximates x u2, and x u2 approximates t sigma(k t), which approximates max(t, 0).
template <class T>
struct ReluConstruction {
  T eps;
  T a;
  T k;          // gate slope 3/(e eps)
  T h1;         // identity slope 2 sqrt(eps/a^3)
  T h;          // second-difference step sqrt(8 |sigma''(z0)| eps / (M4 (a + 4/3)^4))
  T z0;         // centre of the second differences, 1
  T sigma2_z0;  // sigma''(z0)
  T m4;         // 16/125, an upper bound of sup |sigma''''| (about 0.12768)
  T gate_bound;      // 1/(e k): sup |t sigma(k t) - max(t,0)|
  T identity_bound;  // h1^2 a^3 / 12: sup |x - t|
  T product_bound;   // M4 h^2 (A+1)^4 / (24 |sigma''(z0)|) with A = a + identity_bound
  T total_bound;     // the sum of the three, at most eps
  T output_weight;   // |c|, the largest weight of the network
};

// Returns sigma(z) = 1/(1 + e^{-z}) without overflow for large |z|.
template <class T>
T sigmoid(const T& z);

// Computes the parameters for eps in (0, 1] and a > 0. Throws std::invalid_argument
// otherwise.
template <class T>
ReluConstruction<T> make_relu_construction(const T& eps, const T& a);

// Builds the network of a construction with the "sigmoid" activation.
template <class T>
Network<T> build_relu_network(const ReluConstruction<T>& construction);

template <class T>
struct SampledError {
  T sup_error;  // max |N(t) - max(t,0)| over the sample points, evaluated in T
  T argmax;
  int points = 0;
};

// Samples |N(t) - max(t,0)| on a uniform grid of [-a, a], on a grid of the kink region
// |t| <= 64/k, and on fine grids around the five worst grid points.
template <class T>
SampledError<T> sample_relu_error(const Network<T>& network, const ReluConstruction<T>& construction);

// Estimate (not a bound) of the rounding error of evaluating the network in T: the output
// weights times the rounding of the sigmoid values they combine, see the notes.
template <class T>
T rounding_error_estimate(const Network<T>& network);

struct CertifiedBound {
  double upper = 0;          // rigorous upper bound of sup_{|t|<=a} |N(t) - max(t,0)|
  long long cells = 0;       // cells of the final partition
  bool reached_target = false;  // every cell met the refinement target
};

// Bounds the error of the network with weights exactly as stored in T, evaluated in exact
// arithmetic, by MPFI interval arithmetic with `interval_digits` decimal digits. On each
// cell with midpoint m and radius r: |e(t)| <= |e(m)| + r sup_cell |e'|, both enclosed in
// intervals. Cells above `target` are bisected until `max_cells` cells exist. The result is
// rigorous even when the target is not reached.
template <class T>
CertifiedBound certify_relu_error(const Network<T>& network, const T& a, double target, long long max_cells,
                                  unsigned interval_digits);

// Upper bound prod_i (d_i + 1) of the linear pieces of a ReLU network with one input and
// hidden widths d_1..d_L.
long long relu_piece_bound(const std::vector<int>& hidden_widths);

// The constant c of the lower bound c / P^2 on the sup distance between any P-piece
// piecewise-linear function and the sigmoid on [-1, 1]: c = |sigma''(3/10)| (7/10)^2 / 16.
double sigmoid_pl_lower_constant();

// Best sup error of a piecewise-linear function (pieces need not join) with `pieces`
// pieces, one knot at 0 and the others optimised, against the sigmoid on [-1, 1]. `pieces`
// must be even. An upper estimate of the best error over all P-piece functions, computed in
// double.
double best_pl_error_estimate(int pieces);

// Runs the C4 checks in T for the eps values given as decimal strings and prints the
// tables. `certify_eps` selects the eps values that are also certified.
template <class T>
std::vector<checks::CheckResult> run_relu_checks(const std::vector<std::string>& eps_values, const std::string& a_text,
                                                 const std::vector<std::string>& certify_eps);

// Runs the C5 check (in double) and prints the table contrasting it with C4.
std::vector<checks::CheckResult> run_sigmoid_checks();

}  // namespace deepadmm::approx
