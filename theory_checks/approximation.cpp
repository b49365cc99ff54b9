// The parts of the approximation checks that do not depend on the scalar type: piece
// counts of ReLU networks and the piecewise-linear approximation of the sigmoid.
#include "approximation.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace deepadmm::approx {

namespace {

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double logistic_slope(double x) { return logistic(x) * (1.0 - logistic(x)); }

// Best sup error of a line against the sigmoid on [lo, hi] with 0 <= lo < hi, where the
// sigmoid is concave: half the largest gap between the curve and its chord. The gap is
// largest where sigma' equals the chord slope, found by bisection because sigma' decreases.
double best_line_error(double lo, double hi) {
  const double slope = (logistic(hi) - logistic(lo)) / (hi - lo);
  double left = lo;
  double right = hi;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (left + right);
    (logistic_slope(mid) > slope ? left : right) = mid;
  }
  const double x = 0.5 * (left + right);
  return 0.5 * (logistic(x) - logistic(lo) - slope * (x - lo));
}

// Number of pieces that cover [0, 1] when each piece is extended as far as its best line
// stays within `level` (greedy covering, optimal because the piece error grows with length).
int pieces_needed(double level) {
  double start = 0;
  int pieces = 0;
  while (start < 1) {
    ++pieces;
    if (best_line_error(start, 1) <= level) return pieces;
    double left = start;
    double right = 1;
    for (int i = 0; i < 60; ++i) {
      const double mid = 0.5 * (left + right);
      (best_line_error(start, mid) <= level ? left : right) = mid;
    }
    start = left;
    if (pieces > 1'000'000) throw std::runtime_error("pieces_needed: level too small");
  }
  return pieces;
}

}  // namespace

long long relu_piece_bound(const std::vector<int>& hidden_widths) {
  long long pieces = 1;
  for (int width : hidden_widths) pieces *= width + 1;
  return pieces;
}

double sigmoid_pl_lower_constant() {
  const double s = logistic(0.3);
  const double second = std::abs(s * (1 - s) * (1 - 2 * s));
  return second * 0.49 / 16;
}

double best_pl_error_estimate(int pieces) {
  if (pieces < 2 || pieces % 2 != 0) throw std::invalid_argument("best_pl_error_estimate needs an even piece count, got " + std::to_string(pieces));
  // sigma - 1/2 is odd, so with a knot at 0 each half gets pieces/2 pieces and the same error.
  const int half = pieces / 2;
  double low = 0;
  double high = best_line_error(0, 1);
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (low + high);
    (pieces_needed(mid) <= half ? high : low) = mid;
  }
  return high;
}

std::vector<checks::CheckResult> run_sigmoid_checks() {
  const double c = sigmoid_pl_lower_constant();
  checks::CheckResult check;
  check.id = "C5";
  check.name = "relu-lower-bound";
  check.claim = "every piecewise-linear function with P pieces is at least c/P^2 from the sigmoid in sup norm on "
                "[-1, 1], c = |sigma''(0.3)| 0.7^2 / 16";
  check.source = "proofs_notes/approximation.md, section 5";
  check.label = "proved bound";
  char setting[160];
  std::snprintf(setting, sizeof setting,
                "c = %.6e; computed error: best P-piece function with a knot at 0 and optimised other knots "
                "(upper estimate of the best), in double", c);
  check.setting = setting;

  std::printf("C5 table: sup distance of P-piece piecewise-linear functions to the sigmoid on [-1, 1]\n");
  std::printf("%6s %14s %14s %8s %12s\n", "P", "lower c/P^2", "best (upper)", "ratio", "P^2 * best");
  for (int pieces = 4; pieces <= 256; pieces *= 2) {
    const double lower = c / (static_cast<double>(pieces) * pieces);
    const double best = best_pl_error_estimate(pieces);
    std::printf("%6d %14.6e %14.6e %8.2f %12.6e\n", pieces, lower, best, best / lower,
                best * pieces * pieces);
    checks::Measurement m;
    m.quantity = "best piecewise-linear error, P = " + std::to_string(pieces);
    m.relation = ">=";
    m.measured = best;
    m.bound = lower;
    m.tolerance = 0;
    m.tolerance_source = "none: the computed error comes from an explicit function, so it bounds the best from above";
    checks::decide(m);
    check.measurements.push_back(m);
  }
  std::printf("\n");

  // Contrast: the fixed 1-2-4-1 shape in both directions.
  const long long relu_pieces = relu_piece_bound({2, 4});
  const double relu_floor = c / static_cast<double>(relu_pieces * relu_pieces);
  std::printf("Contrast, fixed shape 1-2-4-1 (a = 1 for the sigmoid network):\n");
  std::printf("%8s %22s %28s\n", "eps", "sigmoid net -> ReLU", "ReLU net -> sigmoid");
  for (int exponent = 1; exponent <= 12; ++exponent) {
    const double eps = std::pow(10.0, -exponent);
    const auto construction = make_relu_construction<double>(eps, 1.0);
    const char* relu_verdict = relu_floor <= eps ? "not excluded" : "impossible";
    std::printf("%8.0e %14s a-priori %.2e %14s (error >= %.2e)\n", eps, "reached,", construction.total_bound,
                relu_verdict, relu_floor);
  }
  std::printf("\n");
  check.findings.push_back("a ReLU network of widths 1-2-4-1 has at most " + std::to_string(relu_pieces) +
                           " linear pieces, so its sup error against the sigmoid on [-1, 1] is at least " +
                           std::to_string(relu_floor) + " whatever its weights");
  check.verdict = checks::combine(check.measurements);
  return {check};
}

}  // namespace deepadmm::approx
