// Whole iterations of the solver: invariants after each step, the records, networks of
// one to three hidden layers, reproducibility and saved models.
#include "test_support.hpp"

#include "solver/activations/registry.hpp"
#include "solver/admm.hpp"
#include "solver/io.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
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

// A regression problem with inputs and targets uniform in [-1, 1].
template <class T>
struct Problem {
  Matrix<T> x;
  Matrix<T> y;
  deepadmm::Network<T> net;
};

template <class T>
Problem<T> make_problem(const std::vector<int>& widths, int n, const std::string& activation, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Problem<T> problem;
  problem.x = random_matrix<T>(widths.front(), n, -1.0, 1.0, rng);
  problem.y = random_matrix<T>(widths.back(), n, -1.0, 1.0, rng);
  problem.net = deepadmm::make_network<T>(widths, deepadmm::make_activation<T>(activation),
                                          deepadmm::InitScheme::HeNormal, seed);
  return problem;
}

// The scalar fields of a record with their names, for field-by-field comparisons.
template <class T>
std::vector<std::pair<const char*, T IterationRecord<T>::*>> record_fields() {
  using R = IterationRecord<T>;
  return {{"augmented_lagrangian", &R::augmented_lagrangian},
          {"augmented_lagrangian_before_multipliers", &R::augmented_lagrangian_before_multipliers},
          {"lagrangian_magnitude", &R::lagrangian_magnitude},
          {"objective", &R::objective},
          {"training_error", &R::training_error},
          {"primal_residual", &R::primal_residual},
          {"kkt_stationarity_w", &R::kkt_stationarity_w},
          {"kkt_stationarity_v", &R::kkt_stationarity_v},
          {"kkt_feasibility", &R::kkt_feasibility},
          {"kkt_residual", &R::kkt_residual},
          {"step_w", &R::step_w},
          {"step_v", &R::step_v},
          {"step_u", &R::step_u},
          {"step_squared", &R::step_squared}};
}

}  // namespace

TEMPLATE_TEST_CASE("output multiplier equals output residual after every step", "[iteration]", double, float128) {
  using T = TestType;
  const auto problem = make_problem<T>({2, 5, 4, 1}, 20, "sigmoid", 707);
  Options<T> options;
  options.beta = {T(1), T(2), T(3) / 2};
  options.max_iterations = 10;

  std::vector<T> ratios;
  const auto result = deepadmm::train<T>(problem.x, problem.y, problem.net, options,
                                         [&](const IterationRecord<T>& record, const AdmmState<T>& state) {
                                           if (record.iteration > 0)
                                             ratios.push_back(deepadmm::testing::output_identity_ratio(
                                                 state, problem.x, problem.y, options.beta.back()));
                                         });
  REQUIRE(result.status == deepadmm::Status::MaxIterations);
  REQUIRE(ratios.size() == 10);

  // See kOutputIdentityFactor for the derivation of the bound.
  const T bound = T(deepadmm::testing::kOutputIdentityFactor) * deepadmm::unit_roundoff<T>();
  for (std::size_t k = 0; k < ratios.size(); ++k) {
    INFO("iteration " << k + 1 << ": |U_N - (V_N - Y)| / scale = " << deepadmm::to_double(ratios[k]));
    CHECK(ratios[k] <= bound);
  }
  CHECK(max_abs(result.state.u.back()) > 0);
}

TEMPLATE_TEST_CASE("training runs with one to three hidden layers", "[iteration]", double, float128) {
  using T = TestType;
  for (int hidden = 1; hidden <= 3; ++hidden) {
    INFO(hidden << " hidden layers");
    std::vector<int> widths = {2};
    for (int i = 0; i < hidden; ++i) widths.push_back(4);
    widths.push_back(1);
    const auto problem = make_problem<T>(widths, 15, "tanh", 808 + static_cast<std::uint64_t>(hidden));
    Options<T> options;
    options.max_iterations = 5;

    const auto result = deepadmm::train<T>(problem.x, problem.y, problem.net, options);
    INFO("message: " << result.message);
    CHECK(result.status == deepadmm::Status::MaxIterations);
    REQUIRE(result.records.size() == 5);
    CHECK(deepadmm::testing::record_is_finite(result.initial));
    for (const auto& record : result.records) {
      INFO("iteration " << record.iteration);
      CHECK(deepadmm::testing::record_is_finite(record));
      // With kkt_every = 1 every field is computed, so none may hold the -1 marker.
      CHECK(record.objective >= 0);
      CHECK(record.kkt_residual >= 0);
      CHECK(record.step_squared >= 0);
      CHECK(record.curvature_h.size() == static_cast<std::size_t>(hidden));
      CHECK(record.curvature_mu.size() == static_cast<std::size_t>(hidden - 1));
    }
  }
}

TEMPLATE_TEST_CASE("one hidden layer uses the exact last state update", "[iteration]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;
  const T u = deepadmm::unit_roundoff<T>();
  const auto problem = make_problem<T>({2, 4, 1}, 9, "sigmoid", 909);
  Options<T> options;
  options.beta = {T(3) / 2, T(2)};
  const T beta_hidden = options.beta[0];
  const T beta_out = options.beta[1];

  // Two steps first, so that the multipliers the update reads are not zero.
  AdmmSolver<T> solver(problem.x, problem.y, problem.net, options);
  IterationRecord<T> record;
  for (int k = 0; k < 2; ++k) REQUIRE(solver.step(record, nullptr, nullptr));
  const AdmmState<T> before = solver.state();
  REQUIRE(solver.step(record, nullptr, nullptr));
  const AdmmState<T>& after = solver.state();

  // V_1 must be the exact minimiser given the new weights and the old V_2, U_1, U_2.
  const auto& f = *after.network.activation;
  const Matrix<T> input = deepadmm::append_ones_row<T>(problem.x);
  const Matrix<T> pre_activation = after.network.weight(1) * input;
  Matrix<T> s;
  f.evaluate(pre_activation, s, nullptr);
  const Matrix<T>& w_out = after.network.weight(2);
  Matrix<T> expected;
  REQUIRE(deepadmm::last_hidden_state_update(s, before.u[0], w_out, before.v[1], before.u[1], beta_hidden,
                                             beta_out, expected));

  // The test and the solver run the same update and may differ only by rounding.
  // S differs by at most gamma_{d_0 + 1} sup|f'| |W_1||X~|, and the system
  // K = beta_1 I + beta_2 M^T M has ||K^{-1}|| beta_1 <= 1, so that difference passes to V
  // undamped but not amplified. Each right-hand side is formed with error
  // gamma_{d_2 + 2} of its size, amplified by ||K^{-1}|| <= 1/beta_1, and each solve has
  // forward error at most kappa (3m + 1) sqrt(m) u ||V|| with
  // kappa <= 1 + beta_2 ||M||_F^2 / beta_1 and m = d_1.
  using std::sqrt;
  const auto d_in = static_cast<int>(problem.x.rows());
  const auto d_hidden = static_cast<int>(before.v[0].rows());
  const auto d_out = static_cast<int>(problem.y.rows());
  const auto n = static_cast<int>(problem.x.cols());
  const Matrix<T> m = w_out.leftCols(d_hidden);
  const T m_norm = frobenius(m);
  const T kappa = 1 + beta_out * m_norm * m_norm / beta_hidden;
  const T s_error = T(d_in + 1) * u * f.constants().sup_abs_derivative * frobenius(after.network.weight(1)) *
                    frobenius(input);
  const T rhs_size = frobenius(before.u[0]) + beta_hidden * frobenius(s) +
                     m_norm * (frobenius(before.u[1]) +
                               beta_out * (frobenius(before.v[1]) + sqrt(T(n)) * frobenius(Matrix<T>(w_out.col(d_hidden)))));
  const T rhs_error = 2 * T(d_out + 2) * u * rhs_size / beta_hidden;
  const T solve_error = 2 * kappa * T(3 * d_hidden + 1) * sqrt(T(d_hidden)) * u * frobenius(expected);
  const T tolerance = s_error + rhs_error + solve_error;

  const T difference = frobenius(Matrix<T>(after.v[0] - expected));
  INFO("||V_1 - expected|| = " << deepadmm::to_double(difference) << ", tolerance " << deepadmm::to_double(tolerance));
  CHECK(difference <= tolerance);

  // The prox-linear formula of the other hidden states, applied here, would pass the
  // linear output layer through f and give a clearly different V_1, so the check above
  // distinguishes the two.
  const Matrix<T> c = s + before.u[0] / beta_hidden;
  const Matrix<T> b_next = before.v[1] - before.u[1] / beta_out;
  Matrix<T> prox_linear;
  REQUIRE(deepadmm::hidden_state_update(c, before.v[0], w_out, b_next, beta_hidden, beta_out, max_abs(b_next), f,
                                        prox_linear));
  const T prox_linear_difference = frobenius(Matrix<T>(after.v[0] - prox_linear));
  INFO("||V_1 - prox-linear V_1|| = " << deepadmm::to_double(prox_linear_difference));
  CHECK(prox_linear_difference > 100 * tolerance);
}

TEMPLATE_TEST_CASE("record augmented Lagrangian matches a recomputation", "[iteration]", double, float128) {
  using T = TestType;
  const T u = deepadmm::unit_roundoff<T>();
  const std::vector<int> widths = {3, 5, 4, 2};
  const int n = 20;
  const int d_max = *std::max_element(widths.begin(), widths.end());
  const auto problem = make_problem<T>(widths, n, "sigmoid", 1010);
  Options<T> options;
  options.beta = {T(1), T(2), T(3) / 2};
  options.lambda = T(1) / 1000;

  AdmmSolver<T> solver(problem.x, problem.y, problem.net, options);
  for (int k = 1; k <= 5; ++k) {
    INFO("iteration " << k);
    IterationRecord<T> record;
    REQUIRE(solver.step(record, nullptr, nullptr));
    const AdmmState<T>& state = solver.state();
    const T recomputed = deepadmm::augmented_lagrangian(state, problem.x, problem.y, options);

    // Sum of the absolute values of the terms of L, with the constraint terms widened by
    // the rounding of c_i = f(W_i [V_{i-1}; 1^T]) - V_i, which enters L through
    // (U_i + beta_i c_i) .* dc_i with |dc_i| <= gamma_{d+1} |W_i||V~_{i-1}| + u (|f| + |V_i|).
    const std::size_t layers = widths.size() - 1;
    T size = (state.v[layers - 1] - problem.y).squaredNorm() / 2 +
             options.lambda * deepadmm::weights_squared_norm(state.network) / 2;
    for (std::size_t j = 0; j < layers; ++j) {
      const Matrix<T> input = deepadmm::append_ones_row<T>(j == 0 ? problem.x : state.v[j - 1]);
      const Matrix<T> z = state.network.weights[j] * input;
      Matrix<T> reached = z;
      if (j + 1 < layers) state.network.activation->evaluate(z, reached, nullptr);
      const Matrix<T> violation = reached - state.v[j];
      const Matrix<T> violation_size = state.network.weights[j].cwiseAbs() * input.cwiseAbs() +
                                       reached.cwiseAbs() + state.v[j].cwiseAbs();
      const Matrix<T> weight_of_violation = state.u[j].cwiseAbs() + options.beta[j] * violation.cwiseAbs();
      size += state.u[j].cwiseAbs().cwiseProduct(violation.cwiseAbs()).sum() +
              options.beta[j] * violation.squaredNorm() / 2 +
              weight_of_violation.cwiseProduct(violation_size).sum();
    }
    // Two evaluations, each summing n d_max terms (gamma_{n d_max}) of inner products of
    // length d_max + 1, plus 5 entrywise operations per term.
    const T tolerance = 2 * T(n * d_max + d_max + 1 + 5) * u * size;

    using std::abs;
    const T difference = abs(T(record.augmented_lagrangian - recomputed));
    INFO("record " << deepadmm::to_double(record.augmented_lagrangian) << ", recomputed "
                   << deepadmm::to_double(recomputed) << ", difference " << deepadmm::to_double(difference)
                   << ", tolerance " << deepadmm::to_double(tolerance));
    CHECK(difference <= tolerance);
    // The value before the multiplier step differs by sum_i beta_i ||c_i||^2, so the
    // check above also shows that the record describes the state after that step.
    CHECK(abs(T(record.augmented_lagrangian_before_multipliers - recomputed)) > tolerance);
  }
}

TEST_CASE("same seed gives bit-identical training", "[iteration]") {
  const std::vector<int> widths = {2, 6, 5, 1};
  const auto first = make_problem<double>(widths, 25, "sigmoid", 1111);
  const auto second = make_problem<double>(widths, 25, "sigmoid", 1111);
  Options<double> options;
  options.max_iterations = 8;

  const auto a = deepadmm::train<double>(first.x, first.y, first.net, options);
  const auto b = deepadmm::train<double>(second.x, second.y, second.net, options);
  REQUIRE(a.status == deepadmm::Status::MaxIterations);
  REQUIRE(a.records.size() == b.records.size());

  for (std::size_t k = 0; k < a.records.size(); ++k) {
    for (const auto& [name, field] : record_fields<double>()) {
      INFO("iteration " << k + 1 << ", field " << name);
      CHECK(a.records[k].*field == b.records[k].*field);
    }
    INFO("iteration " << k + 1);
    CHECK(a.records[k].step_w_layer == b.records[k].step_w_layer);
    CHECK(a.records[k].step_v_layer == b.records[k].step_v_layer);
    CHECK(a.records[k].step_u_layer == b.records[k].step_u_layer);
    CHECK(a.records[k].curvature_h == b.records[k].curvature_h);
    CHECK(a.records[k].curvature_mu == b.records[k].curvature_mu);
  }
  for (std::size_t j = 0; j < a.state.network.weights.size(); ++j) {
    INFO("layer " << j + 1);
    CHECK(a.state.network.weights[j] == b.state.network.weights[j]);
    CHECK(a.state.v[j] == b.state.v[j]);
    CHECK(a.state.u[j] == b.state.u[j]);
  }

  // Another seed draws other starting weights and ends elsewhere.
  auto other = first;
  other.net = deepadmm::make_network<double>(widths, deepadmm::make_activation<double>("sigmoid"),
                                             deepadmm::InitScheme::HeNormal, 1112);
  const auto c = deepadmm::train<double>(other.x, other.y, other.net, options);
  REQUIRE(c.status == deepadmm::Status::MaxIterations);
  for (std::size_t j = 0; j < a.state.network.weights.size(); ++j) {
    INFO("layer " << j + 1);
    CHECK(a.state.network.weights[j] != c.state.network.weights[j]);
  }
}

TEST_CASE("product reuse leaves iterates bit-identical", "[iteration]") {
  // The weight steps reuse f(Z_i) and f'(Z_i) from the previous iteration's state steps.
  // Those are the same products of the same operands, so the run must match a run that
  // recomputes them to the last bit. Both cases run: the KKT residual every iteration
  // (slopes reused) and every third iteration (slopes recomputed from the reused Z_i).
  const std::vector<int> widths = {2, 7, 6, 5, 1};
  const auto problem = make_problem<double>(widths, 23, "sigmoid", 2024);
  for (int kkt_every : {1, 3}) {
    Options<double> reuse;
    reuse.max_iterations = 9;
    reuse.kkt_every = kkt_every;
    Options<double> recompute = reuse;
    recompute.reuse_products = false;
    const auto a = deepadmm::train<double>(problem.x, problem.y, problem.net, reuse);
    const auto b = deepadmm::train<double>(problem.x, problem.y, problem.net, recompute);
    REQUIRE(a.records.size() == b.records.size());
    for (std::size_t k = 0; k < a.records.size(); ++k)
      for (const auto& [name, field] : record_fields<double>()) {
        INFO("kkt_every " << kkt_every << ", iteration " << k + 1 << ", field " << name);
        CHECK(a.records[k].*field == b.records[k].*field);
      }
    for (std::size_t j = 0; j < a.state.network.weights.size(); ++j) {
      INFO("kkt_every " << kkt_every << ", layer " << j + 1);
      CHECK(a.state.network.weights[j] == b.state.network.weights[j]);
      CHECK(a.state.v[j] == b.state.v[j]);
      CHECK(a.state.u[j] == b.state.u[j]);
    }
  }
}

TEMPLATE_TEST_CASE("saved model loads with identical weights", "[io]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;
  const auto problem = make_problem<T>({2, 4, 3, 1}, 12, "tanh", 1212);
  Options<T> options;
  options.max_iterations = 3;
  // Trained weights use every digit of T, unlike the drawn starting weights, which are
  // doubles.
  const auto result = deepadmm::train<T>(problem.x, problem.y, problem.net, options);
  REQUIRE(result.status == deepadmm::Status::MaxIterations);

  deepadmm::Model<T> model;
  model.network = result.state.network;
  model.input_columns = {"a", "b"};
  model.target_columns = {"y"};
  model.input_shift = deepadmm::Vector<T>(2);
  model.input_shift << T(1) / 3, T(-2) / 7;
  model.input_scale = deepadmm::Vector<T>(2);
  model.input_scale << T(5) / 3, T(11) / 13;
  model.target_shift = deepadmm::Vector<T>(1);
  model.target_shift << T(1) / 9;
  model.target_scale = deepadmm::Vector<T>(1);
  model.target_scale << T(7) / 5;

  deepadmm::testing::TemporaryDirectory directory;
  const std::string path = directory.file("model.json");
  deepadmm::save_model(model, path);
  const auto loaded = deepadmm::load_model<T>(path);

  CHECK(loaded.network.widths == model.network.widths);
  CHECK(loaded.network.activation->name() == "tanh");
  CHECK(loaded.input_columns == model.input_columns);
  CHECK(loaded.target_columns == model.target_columns);
  REQUIRE(loaded.network.weights.size() == model.network.weights.size());
  for (std::size_t j = 0; j < model.network.weights.size(); ++j) {
    INFO("layer " << j + 1);
    CHECK(loaded.network.weights[j] == model.network.weights[j]);
  }
  CHECK(loaded.input_shift == model.input_shift);
  CHECK(loaded.input_scale == model.input_scale);
  CHECK(loaded.target_shift == model.target_shift);
  CHECK(loaded.target_scale == model.target_scale);
  CHECK(loaded.predict(problem.x) == model.predict(problem.x));

  if constexpr (!std::is_same_v<T, double>) {
    // The round trip must keep digits that a double cannot hold.
    const T w = model.network.weights.front()(0, 0);
    CHECK(T(deepadmm::to_double(w)) != w);
  }
  if constexpr (deepadmm::testing::is_mpfr<T>) {
    CHECK(loaded.network.weights.front()(0, 0).precision() == deepadmm::testing::kMpfrTestDigits);
  }
}
