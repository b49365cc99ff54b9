// The closed-form block updates and the KKT gradients of the records.
//
// Each update must return a stationary point of its subproblem. The tests write the
// gradient of each subproblem's objective from its definition (not from the update
// formula) and check that it vanishes at the returned block, relative to the size of its
// terms. The KKT stationarity sums of a record are compared with central finite
// differences of the ordinary Lagrangian computed in 60-digit arithmetic.
#include "test_support.hpp"

#include "solver/activations/registry.hpp"
#include "solver/admm.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using deepadmm::Activation;
using deepadmm::float128;
using deepadmm::Matrix;
using deepadmm::mpfr_real;
using deepadmm::testing::frobenius;
using deepadmm::testing::is_mpfr;
using deepadmm::testing::kMpfrTestDigits;
using deepadmm::testing::max_abs;
using deepadmm::testing::random_int;
using deepadmm::testing::random_matrix;
using deepadmm::testing::ScalarSetup;

namespace {

// Rounding factor c of a bound ||gradient|| <= c u S, where S is the sum of norm products
// of the gradient's terms (so that S bounds every rounding error below without a
// condition number). With k the longest inner product in forming the system matrix, the
// right-hand side and the test's own gradient, and m the size of the Cholesky system:
//   3k                forming the system, the right side and the test's products, each
//                     with error gamma_k = k u times the product of the factors' norms;
//   (3m + 1) sqrt(m)  the backward error of the Cholesky solve, |dK| <= gamma_{3m+1} |R^T||R|,
//                     whose Frobenius norm is at most sqrt(m) ||K||, so the residual of
//                     the solve is at most gamma_{3m+1} sqrt(m) ||K|| ||X||;
//   10                the entrywise scalings, subtractions and activation values.
double rounding_factor(int k, int m) {
  return 3.0 * k + (3.0 * m + 1.0) * std::sqrt(static_cast<double>(m)) + 10.0;
}

// Values f(Z) and slopes f'(Z), evaluated entry by entry through the scalar interface,
// independently of Activation::evaluate that the updates use.
template <class T>
void evaluate_entrywise(const Activation<T>& f, const Matrix<T>& z, Matrix<T>& values, Matrix<T>& slopes) {
  values.resize(z.rows(), z.cols());
  slopes.resize(z.rows(), z.cols());
  for (Eigen::Index k = 0; k < z.size(); ++k) {
    values.data()[k] = f.value(z.data()[k]);
    slopes.data()[k] = f.derivative(z.data()[k]);
  }
}

// Checks the precision claims for mpfr_real: the relative gradient is far below anything
// double arithmetic can reach, and the result has the precision that was set.
template <class T>
void check_carries_precision(const T& relative_gradient, const Matrix<T>& result) {
  if constexpr (is_mpfr<T>) {
    CHECK(relative_gradient < T("1e-40"));
    CHECK(result(0, 0).precision() == kMpfrTestDigits);
  }
}

const std::vector<std::string> kActivations = {"sigmoid", "tanh"};

}  // namespace

TEMPLATE_TEST_CASE("output weight update minimises its subproblem", "[update]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;
  const T u = deepadmm::unit_roundoff<T>();
  std::mt19937_64 rng(101);

  for (int draw = 0; draw < 4; ++draw) {
    const int d_previous = random_int(3, 5, rng);
    const int d_out = random_int(3, 5, rng);
    const int n = 7;
    const Matrix<T> a = deepadmm::append_ones_row<T>(random_matrix<T>(d_previous, n, 0.0, 1.0, rng));
    const Matrix<T> v_out = random_matrix<T>(d_out, n, -1.0, 1.0, rng);
    const Matrix<T> u_out = random_matrix<T>(d_out, n, -0.5, 0.5, rng);
    const T beta = T(3) / 2;
    const T lambda = T(1) / 100;

    Matrix<T> w;
    REQUIRE(deepadmm::output_weight_update(a, v_out, u_out, beta, lambda, w));

    // Gradient of lambda/2 ||W||^2 + <U_N, W A - V_N> + beta/2 ||W A - V_N||^2.
    const Matrix<T> residual = w * a - v_out;
    const Matrix<T> gradient = lambda * w + u_out * a.transpose() + beta * residual * a.transpose();
    const T size = lambda * frobenius(w) + frobenius(u_out) * frobenius(a) +
                   beta * (frobenius(w) * frobenius(a) + frobenius(v_out)) * frobenius(a);
    const T relative = frobenius(gradient) / size;
    // Inner products over the n samples; the system has d_{N-1} + 1 rows.
    const T tolerance = T(rounding_factor(n, static_cast<int>(a.rows()))) * u;

    INFO("draw " << draw << ", relative gradient " << deepadmm::to_double(relative) << ", tolerance "
                 << deepadmm::to_double(tolerance));
    CHECK(relative <= tolerance);
    check_carries_precision(relative, w);
  }
}

TEMPLATE_TEST_CASE("hidden weight update minimises its prox-linear model", "[update]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;
  const T u = deepadmm::unit_roundoff<T>();
  std::mt19937_64 rng(202);

  for (const auto& name : kActivations) {
    const auto f = deepadmm::make_activation<T>(name);
    for (int draw = 0; draw < 3; ++draw) {
      const int d_previous = random_int(3, 5, rng);
      const int d = random_int(3, 5, rng);
      const int n = 7;
      const Matrix<T> w_old = random_matrix<T>(d, d_previous + 1, -1.0, 1.0, rng);
      const Matrix<T> a = deepadmm::append_ones_row<T>(random_matrix<T>(d_previous, n, 0.0, 1.0, rng));
      const Matrix<T> b = random_matrix<T>(d, n, -0.5, 1.5, rng);
      const T beta = T(3) / 2;
      const T lambda = T(1) / 100;
      const T h = max_abs(b);

      Matrix<T> w;
      REQUIRE(deepadmm::hidden_weight_update(w_old, a, b, beta, lambda, h, *f, w));

      // Gradient of lambda/2 ||W||^2 + beta (<G, (W - W_old) A> + h/4 ||(W - W_old) A||^2)
      // with G = (f(Z) - B) .* f'(Z), Z = W_old A.
      const Matrix<T> z = w_old * a;
      Matrix<T> values;
      Matrix<T> slopes;
      evaluate_entrywise(*f, z, values, slopes);
      const Matrix<T> g = (values - b).cwiseProduct(slopes);
      const Matrix<T> gradient =
          lambda * w + beta * g * a.transpose() + beta * (h / 2) * (w - w_old) * a * a.transpose();

      // G is formed with cancellation in f(Z) - B, so its size is (|f| + |B|) |f'|. Z is
      // rounded by gamma_m |W_old||A| in the update and in the test, and G changes with Z
      // at most at the rate sup|f'|^2 + (sup|f| + max|B|) sup|f''| that the activation
      // declares.
      const Matrix<T> g_size = (values.cwiseAbs() + b.cwiseAbs()).cwiseProduct(slopes.cwiseAbs());
      const T g_rate = f->constants().squared_loss_curvature(max_abs(b));
      const T a_norm = frobenius(a);
      const T size = lambda * frobenius(w) + beta * frobenius(g_size) * a_norm +
                     beta * (h / 2) * (frobenius(w) + frobenius(w_old)) * a_norm * a_norm +
                     beta * g_rate * frobenius(w_old) * a_norm * a_norm;
      const T relative = frobenius(gradient) / size;
      // Inner products over the n samples (and of length d_{i-1} + 1 <= n in Z).
      const T tolerance = T(rounding_factor(n, static_cast<int>(a.rows()))) * u;

      INFO(name << " draw " << draw << ", relative gradient " << deepadmm::to_double(relative)
                << ", tolerance " << deepadmm::to_double(tolerance));
      CHECK(relative <= tolerance);
      check_carries_precision(relative, w);
    }
  }
}

TEMPLATE_TEST_CASE("hidden state update minimises its prox-linear model", "[update]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;
  const T u = deepadmm::unit_roundoff<T>();
  std::mt19937_64 rng(303);

  for (const auto& name : kActivations) {
    const auto f = deepadmm::make_activation<T>(name);
    for (int draw = 0; draw < 3; ++draw) {
      const int d = random_int(3, 5, rng);
      const int d_next = random_int(3, 5, rng);
      const int n = 7;
      const Matrix<T> c = random_matrix<T>(d, n, 0.0, 1.0, rng);
      const Matrix<T> v_old = random_matrix<T>(d, n, 0.0, 1.0, rng);
      const Matrix<T> w_next = random_matrix<T>(d_next, d + 1, -1.0, 1.0, rng);
      const Matrix<T> b_next = random_matrix<T>(d_next, n, -0.5, 1.5, rng);
      const T beta = T(3) / 2;
      const T beta_next = T(2);
      const T mu = max_abs(b_next);

      Matrix<T> v;
      REQUIRE(deepadmm::hidden_state_update(c, v_old, w_next, b_next, beta, beta_next, mu, *f, v));

      // Gradient of beta_i/2 ||V - C||^2 + beta_{i+1} (<G, M (V - V_old)> + mu/4 ||M (V - V_old)||^2)
      // with W_{i+1} = [M b], G = (f(H) - B) .* f'(H), H = M V_old + b 1^T.
      const Matrix<T> m = w_next.leftCols(d);
      const Matrix<T> bias = w_next.col(d);
      const Matrix<T> pre_activation = (m * v_old).colwise() + bias.col(0);
      Matrix<T> values;
      Matrix<T> slopes;
      evaluate_entrywise(*f, pre_activation, values, slopes);
      const Matrix<T> g = (values - b_next).cwiseProduct(slopes);
      const Matrix<T> gradient = beta * (v - c) + beta_next * m.transpose() * g +
                                 beta_next * (mu / 2) * m.transpose() * m * (v - v_old);

      // As in the weight update: G has size (|f| + |B|) |f'| and moves with the rounding
      // of H (gamma_{d+1} (|M||V_old| + |b|)) at the declared rate.
      using std::sqrt;
      const Matrix<T> g_size = (values.cwiseAbs() + b_next.cwiseAbs()).cwiseProduct(slopes.cwiseAbs());
      const T g_rate = f->constants().squared_loss_curvature(max_abs(b_next));
      const T m_norm = frobenius(m);
      const T size = beta * (frobenius(v) + frobenius(c)) + beta_next * m_norm * frobenius(g_size) +
                     beta_next * (mu / 2) * m_norm * m_norm * (frobenius(v) + frobenius(v_old)) +
                     beta_next * g_rate * m_norm * (m_norm * frobenius(v_old) + sqrt(T(n)) * frobenius(bias));
      const T relative = frobenius(gradient) / size;
      // Inner products of length d + 1 (H) and d_{i+1} (M^T G, M^T M); the system has d rows.
      const T tolerance = T(rounding_factor(std::max(d + 1, d_next), d)) * u;

      INFO(name << " draw " << draw << ", relative gradient " << deepadmm::to_double(relative)
                << ", tolerance " << deepadmm::to_double(tolerance));
      CHECK(relative <= tolerance);
      check_carries_precision(relative, v);
    }
  }
}

TEMPLATE_TEST_CASE("last hidden state update minimises the exact objective", "[update]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;
  const T u = deepadmm::unit_roundoff<T>();
  std::mt19937_64 rng(404);

  for (int draw = 0; draw < 4; ++draw) {
    const int d = random_int(3, 5, rng);
    const int d_out = random_int(3, 5, rng);
    const int n = 7;
    const Matrix<T> s = random_matrix<T>(d, n, 0.0, 1.0, rng);
    const Matrix<T> u_hidden = random_matrix<T>(d, n, -0.5, 0.5, rng);
    const Matrix<T> w_out = random_matrix<T>(d_out, d + 1, -1.0, 1.0, rng);
    const Matrix<T> v_out = random_matrix<T>(d_out, n, -1.0, 1.0, rng);
    const Matrix<T> u_out = random_matrix<T>(d_out, n, -0.5, 0.5, rng);
    const T beta = T(3) / 2;
    const T beta_out = T(2);

    Matrix<T> v;
    REQUIRE(deepadmm::last_hidden_state_update(s, u_hidden, w_out, v_out, u_out, beta, beta_out, v));

    // Gradient of <U_{N-1}, S - V> + beta_{N-1}/2 ||S - V||^2
    //             + <U_N, M V + b 1^T - V_N> + beta_N/2 ||M V + b 1^T - V_N||^2.
    const Matrix<T> m = w_out.leftCols(d);
    const Matrix<T> bias = w_out.col(d);
    const Matrix<T> output = (m * v).colwise() + bias.col(0);
    const Matrix<T> gradient =
        -u_hidden - beta * (s - v) + m.transpose() * u_out + beta_out * m.transpose() * (output - v_out);

    using std::sqrt;
    const T m_norm = frobenius(m);
    const T size = frobenius(u_hidden) + beta * (frobenius(s) + frobenius(v)) + m_norm * frobenius(u_out) +
                   beta_out * m_norm * (m_norm * frobenius(v) + sqrt(T(n)) * frobenius(bias) + frobenius(v_out));
    const T relative = frobenius(gradient) / size;
    // Inner products of length d + 1 (M V + b) and d_N (M^T U_N, M^T M); the system has d rows.
    const T tolerance = T(rounding_factor(std::max(d + 1, d_out), d)) * u;

    INFO("draw " << draw << ", relative gradient " << deepadmm::to_double(relative) << ", tolerance "
                 << deepadmm::to_double(tolerance));
    CHECK(relative <= tolerance);
    check_carries_precision(relative, v);
  }
}

TEMPLATE_TEST_CASE("output state update minimises its objective", "[update]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;
  const T u = deepadmm::unit_roundoff<T>();
  std::mt19937_64 rng(505);

  for (int draw = 0; draw < 4; ++draw) {
    const int d_out = random_int(3, 5, rng);
    const int n = 7;
    const Matrix<T> y = random_matrix<T>(d_out, n, -1.0, 1.0, rng);
    const Matrix<T> u_out = random_matrix<T>(d_out, n, -0.5, 0.5, rng);
    const Matrix<T> p = random_matrix<T>(d_out, n, -1.0, 1.0, rng);
    const T beta_out = T(3) / 2;

    Matrix<T> v;
    deepadmm::output_state_update(y, u_out, p, beta_out, v);

    // Gradient of 1/2 ||V - Y||^2 + <U_N, P - V> + beta_N/2 ||P - V||^2.
    const Matrix<T> gradient = (v - y) - u_out - beta_out * (p - v);
    const T size = frobenius(v) + frobenius(y) + frobenius(u_out) + beta_out * (frobenius(p) + frobenius(v));
    const T relative = frobenius(gradient) / size;
    // No system to solve: the update rounds 5 times per entry (two sums, a product,
    // 1 + beta and a quotient) and the test's gradient 5 times. Forming the size adds at
    // most 2 more, so 12 u covers them.
    const T tolerance = T(12) * u;

    INFO("draw " << draw << ", relative gradient " << deepadmm::to_double(relative) << ", tolerance "
                 << deepadmm::to_double(tolerance));
    CHECK(relative <= tolerance);
    check_carries_precision(relative, v);
  }
}

// ---------------------------------------------------------------------------------------
// KKT gradients against finite differences

namespace {

// Ordinary Lagrangian
//   L0 = 1/2 ||V_N - Y||^2 + lambda/2 sum ||W_i||^2 + sum_{i<N} <U_i, f(W_i [V_{i-1}; 1^T]) - V_i>
//        + <U_N, W_N [V_{N-1}; 1^T] - V_N>
// and, in `size`, the same sum with every term replaced by its absolute size, which
// bounds the rounding error of the evaluation.
template <class T>
T ordinary_lagrangian(const Matrix<T>& x, const Matrix<T>& y, const std::vector<Matrix<T>>& weights,
                      const std::vector<Matrix<T>>& v, const std::vector<Matrix<T>>& u, const T& lambda,
                      const Activation<T>& f, T* size = nullptr) {
  const std::size_t layers = weights.size();
  T value = (v[layers - 1] - y).squaredNorm() / 2;
  T absolute = value;
  for (const auto& w : weights) {
    value += lambda * w.squaredNorm() / 2;
    absolute += lambda * w.squaredNorm() / 2;
  }
  for (std::size_t j = 0; j < layers; ++j) {
    const Matrix<T> input = deepadmm::append_ones_row<T>(j == 0 ? x : v[j - 1]);
    const Matrix<T> z = weights[j] * input;
    Matrix<T> reached;
    if (j + 1 < layers)
      f.evaluate(z, reached, nullptr);
    else
      reached = z;
    value += u[j].cwiseProduct(reached - v[j]).sum();
    const Matrix<T> term_size =
        reached.cwiseAbs() + v[j].cwiseAbs() + weights[j].cwiseAbs() * input.cwiseAbs();
    absolute += u[j].cwiseAbs().cwiseProduct(term_size).sum();
  }
  if (size != nullptr) *size = absolute;
  return value;
}

}  // namespace

TEST_CASE("KKT gradients match finite differences", "[update][kkt]") {
  using T = mpfr_real;
  // 60 digits: the finite differences below need 20 digits of step, and what remains
  // must still resolve the comparison far below double precision.
  deepadmm::testing::MpfrDigits digits(60);
  const T u = deepadmm::unit_roundoff<T>();
  const T step("1e-20");

  for (const auto& name : kActivations) {
    INFO("activation " << name);
    std::mt19937_64 rng(606);
    const std::vector<int> widths = {3, 4, 3, 2};
    const int n = 5;
    const Matrix<T> x = random_matrix<T>(widths.front(), n, -1.0, 1.0, rng);
    const Matrix<T> y = random_matrix<T>(widths.back(), n, -1.0, 1.0, rng);
    const auto f = deepadmm::make_activation<T>(name);
    auto net = deepadmm::make_network<T>(widths, f, deepadmm::InitScheme::HeNormal, 7);
    deepadmm::Options<T> options;
    options.lambda = T(1) / 1000;

    // Three iterations make every multiplier non-zero.
    deepadmm::AdmmSolver<T> solver(x, y, net, options);
    deepadmm::IterationRecord<T> record;
    for (int k = 0; k < 3; ++k) REQUIRE(solver.step(record, nullptr, nullptr));
    REQUIRE(record.kkt_stationarity_w >= 0);
    REQUIRE(record.kkt_stationarity_v >= 0);
    const auto& state = solver.state();
    for (const auto& multiplier : state.u) REQUIRE(max_abs(multiplier) > 0);

    const std::size_t layers = widths.size() - 1;
    std::vector<Matrix<T>> weights = state.network.weights;
    std::vector<Matrix<T>> v = state.v;
    T size(0);
    ordinary_lagrangian(x, y, weights, v, state.u, options.lambda, *f, &size);

    // Central differences, one coordinate at a time.
    auto lagrangian = [&] { return ordinary_lagrangian(x, y, weights, v, state.u, options.lambda, *f); };
    auto central_difference = [&](T& coordinate) {
      const T saved = coordinate;
      coordinate = saved + step;
      const T up = lagrangian();
      coordinate = saved - step;
      const T down = lagrangian();
      coordinate = saved;
      return T((up - down) / (2 * step));
    };
    T fd_sum_w(0);
    T fd_sum_v(0);
    std::size_t entries_w = 0;
    std::size_t entries_v = 0;
    for (std::size_t j = 0; j < layers; ++j) {
      Matrix<T> gradient_w(weights[j].rows(), weights[j].cols());
      for (Eigen::Index k = 0; k < weights[j].size(); ++k) gradient_w.data()[k] = central_difference(weights[j].data()[k]);
      Matrix<T> gradient_v(v[j].rows(), v[j].cols());
      for (Eigen::Index k = 0; k < v[j].size(); ++k) gradient_v.data()[k] = central_difference(v[j].data()[k]);
      fd_sum_w += frobenius(gradient_w);
      fd_sum_v += frobenius(gradient_v);
      entries_w += static_cast<std::size_t>(weights[j].size());
      entries_v += static_cast<std::size_t>(v[j].size());
    }

    // Error of one central difference: the truncation step^2/6 |d^3 L0| plus the
    // rounding of two evaluations divided by 2 step.
    // Only the terms <U_i, f(.)> are not quadratic. Along one weight entry their third
    // derivative is sum_s U_i(r,s) f'''(z) A(c,s)^3, along one state entry
    // sum_q U_{i+1}(q,s) f'''(z) W_{i+1}(q,r)^3; both are at most
    // sup|f'''| (sum |U|) m^3, with m the largest entry of X, V and W (at least 1), and
    // sup|f'''| is 1/8 for the sigmoid and 2 for tanh.
    T largest(1);
    for (const auto& w : weights) largest = std::max(largest, max_abs(w));
    for (const auto& block : v) largest = std::max(largest, max_abs(block));
    largest = std::max(largest, max_abs(x));
    T multiplier_mass(0);
    for (const auto& multiplier : state.u) multiplier_mass += multiplier.cwiseAbs().sum();
    const T third_derivative_bound = 2 * multiplier_mass * largest * largest * largest;
    // L0 sums n d_max products of inner products of length d_max + 1, each rounded by at
    // most gamma_{n d_max + d_max + 1} of its size, plus 10 u for the entrywise steps.
    const int d_max = *std::max_element(widths.begin(), widths.end());
    const T evaluation_error = T(n * d_max + d_max + 1 + 10) * u * size;
    const T entry_error = step * step / 6 * third_derivative_bound + evaluation_error / step;
    // The record's gradients lambda W_i + (U_i .* f'(Z_i)) A^T, M^T E - U_i and V_N - Y - U_N
    // are rounded by at most gamma_{n + d_max} of the norm products of their terms.
    using std::sqrt;
    T gradient_size = frobenius(v[layers - 1]) + frobenius(y);
    for (std::size_t j = 0; j < layers; ++j) {
      const T input_norm = frobenius(deepadmm::append_ones_row<T>(j == 0 ? x : v[j - 1]));
      gradient_size += options.lambda * frobenius(weights[j]) +
                       frobenius(state.u[j]) * (input_norm + frobenius(weights[j]) + 1);
    }
    const T record_error = T(n + d_max + 10) * u * gradient_size;
    // A sum of norms differs from the other by at most the sum of the norms of the
    // differences, each at most sqrt(entries) times the entry error, plus the record's
    // rounding.
    const T tolerance_w = sqrt(T(static_cast<int>(entries_w))) * entry_error + record_error;
    const T tolerance_v = sqrt(T(static_cast<int>(entries_v))) * entry_error + record_error;

    INFO("finite-difference sums " << deepadmm::to_double(fd_sum_w) << " (W), " << deepadmm::to_double(fd_sum_v)
                                   << " (V); record " << deepadmm::to_double(record.kkt_stationarity_w) << ", "
                                   << deepadmm::to_double(record.kkt_stationarity_v) << "; tolerances "
                                   << deepadmm::to_double(tolerance_w) << ", " << deepadmm::to_double(tolerance_v));
    using std::abs;
    const T difference_w = abs(T(fd_sum_w - record.kkt_stationarity_w));
    const T difference_v = abs(T(fd_sum_v - record.kkt_stationarity_v));
    INFO("differences " << deepadmm::to_double(difference_w) << " (W), " << deepadmm::to_double(difference_v) << " (V)");
    CHECK(difference_w <= tolerance_w);
    CHECK(difference_v <= tolerance_v);
    // The comparison must resolve far more than the gradients' sizes.
    CHECK(tolerance_w < T("1e-30") * fd_sum_w);
    CHECK(tolerance_v < T("1e-30") * fd_sum_v);
  }
}
