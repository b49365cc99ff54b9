// Tests of the approximation checks (proofs_notes/approximation.md): the explicit sigmoid
// network meets its ReLU target, the interval bound encloses the sampled error and stays
// below eps, and the C5 lower bound lies below the computed piecewise-linear error.
//
// CTest bounds the RapidCheck case count (RC_PARAMS in tests/CMakeLists.txt).
#include "theory_checks/approximation.hpp"

#include "solver/scalar.hpp"

#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <cmath>
#include <string>

namespace {

using deepadmm::approx::build_relu_network;
using deepadmm::approx::make_relu_construction;

// eps = m * 10^-j with m in [1, 9] and j in [2, 5], a = q / 4 with q in [1, 16].
// In double the rounding estimate at eps >= 1e-5 is below 1e-8 * eps (about
// 16 u * 14 / eps with u = 1.1e-16 for a = 1, and the output weight grows like (a+4/3)^4,
// so at most 60 times that for a = 4), so rounding cannot move the error past eps.
double draw_eps() {
  const int mantissa = *rc::gen::inRange(1, 10);
  const int exponent = *rc::gen::inRange(2, 6);
  return mantissa * std::pow(10.0, -exponent);
}

double draw_half_width() { return *rc::gen::inRange(1, 17) / 4.0; }

}  // namespace

TEST_CASE("relu construction bound is at most eps", "[approx]") {
  // Each part equals eps/3 (the product part at most eps/3) in exact arithmetic. The factor
  // 1 + 1e-12 allows the relative rounding of the few dozen double operations (u = 1.1e-16)
  // that compute them.
  rc::prop("three error parts sum to at most eps", [] {
    const double eps = draw_eps();
    const double a = draw_half_width();
    const auto c = make_relu_construction(eps, a);
    RC_ASSERT(c.gate_bound <= eps / 3 * (1 + 1e-12));
    RC_ASSERT(c.identity_bound <= eps / 3 * (1 + 1e-12));
    RC_ASSERT(c.product_bound <= eps / 3 * (1 + 1e-12));
    RC_ASSERT(c.total_bound <= eps * (1 + 1e-12));
  });
}

TEST_CASE("relu network sampled error is at most eps in double", "[approx]") {
  rc::prop("sampled sup error <= eps", [] {
    const double eps = draw_eps();
    const double a = draw_half_width();
    const auto c = make_relu_construction(eps, a);
    const auto net = build_relu_network(c);
    const auto sample = deepadmm::approx::sample_relu_error(net, c);
    RC_ASSERT(deepadmm::approx::rounding_error_estimate(net) <= eps / 10);
    RC_ASSERT(sample.sup_error <= eps);
    RC_ASSERT(sample.sup_error <= c.total_bound);
  });
}

TEST_CASE("relu network meets eps 1e-12 in float128", "[approx]") {
  using deepadmm::float128;
  const float128 eps("1e-12");
  const auto c = make_relu_construction(eps, float128(2));
  const auto net = build_relu_network(c);
  const auto sample = deepadmm::approx::sample_relu_error(net, c);
  CHECK(sample.sup_error <= eps);
  // The error of t sigma(k t) alone peaks at 0.2785/k = 0.2523 eps (t = 1.28/k). There the
  // identity and product parts are below 0.01 eps, so a sampled error under eps/5 means
  // the sampling missed the kink.
  CHECK(sample.sup_error >= eps / 5);
}

TEST_CASE("relu network misses eps 1e-9 in double", "[approx]") {
  // The rounding estimate 16 u |c| with |c| ~ 14/eps is about 2.5e-5 here, far above eps.
  const auto c = make_relu_construction(1e-9, 1.0);
  const auto net = build_relu_network(c);
  const auto sample = deepadmm::approx::sample_relu_error(net, c);
  CHECK(deepadmm::approx::rounding_error_estimate(net) > 1e-9);
  CHECK(sample.sup_error > 1e-9);
}

TEST_CASE("certified bound encloses sampled error", "[approx][interval]") {
  for (const double eps : {1e-2, 3e-3, 1e-3}) {
    for (const double a : {0.5, 1.0, 3.0}) {
      CAPTURE(eps, a);
      const auto c = make_relu_construction(eps, a);
      const auto net = build_relu_network(c);
      const auto sample = deepadmm::approx::sample_relu_error(net, c);
      const double rounding = deepadmm::approx::rounding_error_estimate(net);
      const auto bound = deepadmm::approx::certify_relu_error(net, a, eps, 2'000'000, 60);
      CHECK(bound.reached_target);
      CHECK(bound.upper <= eps);
      // The certified bound is for exact arithmetic, the sample is computed in double.
      CHECK(sample.sup_error <= bound.upper + rounding);
    }
  }
}

TEST_CASE("piecewise-linear error is above the C5 bound", "[approx]") {
  const double c = deepadmm::approx::sigmoid_pl_lower_constant();
  rc::prop("c/P^2 <= best P-piece error", [c] {
    const int pieces = 2 * *rc::gen::inRange(1, 13);
    const double best = deepadmm::approx::best_pl_error_estimate(pieces);
    RC_ASSERT(c / (pieces * pieces) <= best);
  });
}

TEST_CASE("relu piece bound of small shapes", "[approx]") {
  CHECK(deepadmm::approx::relu_piece_bound({2, 4}) == 15);
  CHECK(deepadmm::approx::relu_piece_bound({1}) == 2);
  CHECK(deepadmm::approx::relu_piece_bound({}) == 1);
}
