// One solver iteration against a straightforward implementation of the update formulas:
// every product recomputed, Eigen's own products and Cholesky solves, the full
// width x width system for the last hidden state, entrywise f and f'. The solver reuses
// products, solves that system by the Woodbury identity when the output is narrow, uses
// hand-written mpfr kernels and a vectorised sigmoid for double, so the two agree only to
// rounding.
#include "test_support.hpp"

#include "solver/activations/registry.hpp"
#include "solver/admm.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using deepadmm::AdmmSolver;
using deepadmm::AdmmState;
using deepadmm::float128;
using deepadmm::IterationRecord;
using deepadmm::Matrix;
using deepadmm::mpfr_real;
using deepadmm::Options;
using deepadmm::testing::frobenius;
using deepadmm::testing::max_abs;
using deepadmm::testing::random_matrix;
using deepadmm::testing::ScalarSetup;

namespace {

// The iterate after one reference step, the scale that each block's rounding error is
// measured against, and the largest 2-norm condition number of the systems it solved.
template <class T>
struct ReferenceStep {
  AdmmState<T> next;
  std::vector<T> multiplier_scale;  // ||U_i^k|| + beta_i (||reached_i|| + ||V_i^{k+1}||)
  double condition = 1;
};

template <class T>
Matrix<T> apply_value(const deepadmm::Activation<T>& f, const Matrix<T>& z) {
  return z.unaryExpr([&f](const T& x) { return f.value(x); });
}

template <class T>
Matrix<T> apply_derivative(const deepadmm::Activation<T>& f, const Matrix<T>& z) {
  return z.unaryExpr([&f](const T& x) { return f.derivative(x); });
}

// Returns K^{-1} R for the symmetric positive definite K and records its condition number,
// computed in double (an estimate is all the tolerance needs).
template <class T>
Matrix<T> solve_spd(const Matrix<T>& k, const Matrix<T>& r, double& condition) {
  const Eigen::SelfAdjointEigenSolver<Matrix<double>> eigen(k.template cast<double>());
  const auto& values = eigen.eigenvalues();
  condition = std::max(condition, values.maxCoeff() / values.minCoeff());
  const Eigen::LLT<Matrix<T>> llt(k);
  REQUIRE(llt.info() == Eigen::Success);
  return llt.solve(r);
}

// Applies iteration k -> k+1 to `q` by the formulas of the update order: output weight,
// hidden weights backwards, hidden states forwards, output state, multipliers, with the
// reference curvature h = mu = max|B|.
template <class T>
ReferenceStep<T> reference_step(const AdmmState<T>& q, const Matrix<T>& x, const Matrix<T>& y,
                                const std::vector<T>& beta, const T& lambda) {
  const auto& f = *q.network.activation;
  const int layers = q.network.layers();
  const auto last = static_cast<std::size_t>(layers - 1);
  auto input_of = [&](const AdmmState<T>& s, int i) {  // [V_{i-1}; 1^T], V_0 = X
    return deepadmm::append_ones_row<T>(i == 1 ? x : s.v[static_cast<std::size_t>(i - 2)]);
  };
  ReferenceStep<T> out{q, {}, 1};
  AdmmState<T>& next = out.next;

  // 1. W_N = (beta_N V_N - U_N) A^T (lambda I + beta_N A A^T)^{-1}.
  {
    const Matrix<T> a = input_of(q, layers);
    const Matrix<T> k = lambda * Matrix<T>::Identity(a.rows(), a.rows()) + beta[last] * (a * a.transpose());
    const Matrix<T> r = a * (beta[last] * q.v[last] - q.u[last]).transpose();
    next.network.weight(layers) = solve_spd<T>(k, r, out.condition).transpose();
  }
  // 2. W_i = beta_i (h/2 Z - G) A^T (lambda I + beta_i (h/2) A A^T)^{-1}, from the old V.
  for (int i = layers - 1; i >= 1; --i) {
    const auto j = static_cast<std::size_t>(i - 1);
    const Matrix<T> a = input_of(q, i);
    const Matrix<T> b = q.v[j] - q.u[j] / beta[j];
    const T half_h = max_abs(b) / 2;
    const Matrix<T> z = q.network.weight(i) * a;
    const Matrix<T> g = (apply_value(f, z) - b).cwiseProduct(apply_derivative(f, z));
    const Matrix<T> k = lambda * Matrix<T>::Identity(a.rows(), a.rows()) + beta[j] * half_h * (a * a.transpose());
    const Matrix<T> r = a * (beta[j] * (half_h * z - g)).transpose();
    next.network.weight(i) = solve_spd<T>(k, r, out.condition).transpose();
  }
  // 3. and 4. Hidden states forwards, each from the new V of the layer below.
  for (int i = 1; i <= layers - 1; ++i) {
    const auto j = static_cast<std::size_t>(i - 1);
    const Matrix<T>& w_next = next.network.weight(i + 1);
    const Eigen::Index width = q.v[j].rows();
    const Matrix<T> m = w_next.leftCols(width);
    const Matrix<T> bias = w_next.col(width);
    const Matrix<T> ones = Matrix<T>::Ones(1, x.cols());
    const Matrix<T> s = apply_value(f, Matrix<T>(next.network.weight(i) * input_of(next, i)));
    Matrix<T> k;
    Matrix<T> r;
    if (i < layers - 1) {
      const Matrix<T> c = s + q.u[j] / beta[j];
      const Matrix<T> b = q.v[j + 1] - q.u[j + 1] / beta[j + 1];
      const T half_mu = max_abs(b) / 2;
      const Matrix<T> t = m * q.v[j];
      const Matrix<T> h = t + bias * ones;
      const Matrix<T> g = (apply_value(f, h) - b).cwiseProduct(apply_derivative(f, h));
      k = beta[j] * Matrix<T>::Identity(width, width) + beta[j + 1] * half_mu * (m.transpose() * m);
      r = beta[j] * c + beta[j + 1] * (m.transpose() * (half_mu * t - g));
    } else {
      k = beta[j] * Matrix<T>::Identity(width, width) + beta[last] * (m.transpose() * m);
      r = q.u[j] + beta[j] * s - m.transpose() * (q.u[last] - beta[last] * (q.v[last] - bias * ones));
    }
    next.v[j] = solve_spd<T>(k, r, out.condition);
  }
  // 5. V_N = (Y + U_N + beta_N W_N [V_{N-1}; 1^T]) / (1 + beta_N).
  const Matrix<T> output = next.network.weight(layers) * input_of(next, layers);
  next.v[last] = (y + q.u[last] + beta[last] * output) / (1 + beta[last]);
  // 6. Multipliers at the new iterate.
  for (int i = 1; i <= layers; ++i) {
    const auto j = static_cast<std::size_t>(i - 1);
    const Matrix<T> reached =
        i == layers ? output : apply_value(f, Matrix<T>(next.network.weight(i) * input_of(next, i)));
    next.u[j] = q.u[j] + beta[j] * (reached - next.v[j]);
    out.multiplier_scale.push_back(frobenius(q.u[j]) + beta[j] * (frobenius(reached) + frobenius(next.v[j])));
  }
  return out;
}

// Checks the solver's next iterate against the reference step from the same iterate Q^k.
//
// Tolerance, a first-order normwise estimate: every block is a product with inner dimension
// at most m = max(n, d_max + 1), formed with relative error gamma_m ~ m u, followed by a
// Cholesky solve whose forward error is at most about kappa m u in relative terms, kappa the
// largest 2-norm condition number of the systems of the step. An error in a block's inputs
// passes to its output amplified by at most kappa as well. A step chains 3N block
// computations (N weights, N states, N multipliers), and both implementations round, so
//   ||X_solver - X_reference|| <= 2 * 3N * kappa * m * u * scale,
// with scale ||X_reference|| for W and V, and ||U^k|| + beta (||reached|| + ||V^{k+1}||) for
// U, whose update subtracts nearly equal terms. A wrong formula in either implementation
// shows as a relative difference of order 1.
template <class T>
void check_against_reference(const std::vector<int>& widths, int n, std::uint64_t seed, int iterations) {
  ScalarSetup<T> setup;
  const T u = deepadmm::unit_roundoff<T>();
  std::mt19937_64 rng(seed);
  const Matrix<T> x = random_matrix<T>(widths.front(), n, -1.0, 1.0, rng);
  const Matrix<T> y = random_matrix<T>(widths.back(), n, -1.0, 1.0, rng);
  const auto net = deepadmm::make_network<T>(widths, deepadmm::make_activation<T>("sigmoid"),
                                             deepadmm::InitScheme::HeNormal, seed);
  Options<T> options;
  options.beta = {T(1)};
  options.lambda = T(1) / 1000;
  const int layers = static_cast<int>(widths.size()) - 1;
  const std::vector<T> beta(static_cast<std::size_t>(layers), options.beta[0]);
  const int d_max = *std::max_element(widths.begin(), widths.end());
  const int m = std::max(n, d_max + 1);

  AdmmSolver<T> solver(x, y, net, options);
  IterationRecord<T> record;
  for (int k = 0; k < iterations; ++k) {
    INFO("iteration " << k + 1);
    const AdmmState<T> before = solver.state();
    const auto reference = reference_step<T>(before, x, y, beta, options.lambda);
    REQUIRE(solver.step(record, nullptr, nullptr));
    const AdmmState<T>& after = solver.state();

    const T tolerance = T(2 * 3 * layers) * T(reference.condition) * T(m) * u;
    INFO("condition " << reference.condition << ", relative tolerance " << deepadmm::to_double(tolerance));
    for (int i = 1; i <= layers; ++i) {
      const auto j = static_cast<std::size_t>(i - 1);
      INFO("layer " << i);
      const T w_error = frobenius(Matrix<T>(after.network.weight(i) - reference.next.network.weight(i)));
      const T v_error = frobenius(Matrix<T>(after.v[j] - reference.next.v[j]));
      const T u_error = frobenius(Matrix<T>(after.u[j] - reference.next.u[j]));
      INFO("W error " << deepadmm::to_double(w_error) << ", V error " << deepadmm::to_double(v_error)
                      << ", U error " << deepadmm::to_double(u_error));
      CHECK(w_error <= tolerance * frobenius(reference.next.network.weight(i)));
      CHECK(v_error <= tolerance * frobenius(reference.next.v[j]));
      CHECK(u_error <= tolerance * reference.multiplier_scale[j]);
    }
  }
}

}  // namespace

// 2 * d_N < d_{N-1}: the solver takes the Woodbury path for the last hidden state.
TEMPLATE_TEST_CASE("step matches reference with narrow output", "[iteration][reference]", double, float128,
                   mpfr_real) {
  check_against_reference<TestType>({3, 7, 6, 1}, 30, 4242, 4);
}

// 2 * d_N >= d_{N-1}: the solver factors the full system for the last hidden state.
TEMPLATE_TEST_CASE("step matches reference with wide output", "[iteration][reference]", double, float128,
                   mpfr_real) {
  check_against_reference<TestType>({2, 5, 4, 3}, 25, 4343, 4);
}

TEST_CASE("step matches reference with one or three hidden layers", "[iteration][reference]") {
  check_against_reference<double>({2, 6, 1}, 20, 4444, 4);
  check_against_reference<double>({2, 5, 6, 4, 1}, 20, 4545, 4);
}
