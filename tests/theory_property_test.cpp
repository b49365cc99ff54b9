// Property tests of the convergence theory (proofs_notes/convergence.md): with the theory
// parameters the Lyapunov function descends, the running minima obey the O(1/k) bounds,
// and in float128 the KKT residual falls below what double precision can resolve.
//
// CTest runs a bounded number of cases (RC_PARAMS in tests/CMakeLists.txt). A longer soak:
//   RC_PARAMS="max_success=1000" build/tests/deepadmm_tests "[theory]"
// A failing case prints its seed and a reproduce string; rerun it with
//   RC_PARAMS="reproduce=<string>" build/tests/deepadmm_tests "<test name>"
#include "test_support.hpp"

#include "solver/activations/registry.hpp"
#include "solver/admm.hpp"
#include "theory_checks/convergence_checks.hpp"

#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace {

using deepadmm::Matrix;

struct Instance {
  std::vector<int> widths;
  int samples = 0;
  std::uint64_t seed = 0;
  std::string activation;
};

std::string describe(const Instance& instance) {
  std::string widths;
  for (int w : instance.widths) widths += (widths.empty() ? "" : "-") + std::to_string(w);
  return "widths " + widths + ", n = " + std::to_string(instance.samples) + ", seed " + std::to_string(instance.seed) +
         ", " + instance.activation;
}

// Draws a product-gate instance: 1 to max_hidden hidden layers of width 1 to max_width,
// 1 to max_samples samples, sigmoid or tanh unless sigmoid_only.
rc::Gen<Instance> instances(int max_hidden, int max_width, int max_samples, bool sigmoid_only = false) {
  return rc::gen::exec([=] {
    Instance instance;
    const int hidden = *rc::gen::inRange(1, max_hidden + 1);
    instance.widths.push_back(2);
    for (int i = 0; i < hidden; ++i) instance.widths.push_back(*rc::gen::inRange(1, max_width + 1));
    instance.widths.push_back(1);
    instance.samples = *rc::gen::inRange(1, max_samples + 1);
    instance.seed = *rc::gen::inRange<std::uint64_t>(0, 1u << 30);
    instance.activation = sigmoid_only ? std::string("sigmoid") : *rc::gen::element<std::string>("sigmoid", "tanh");
    return instance;
  });
}

template <class T>
void product_gate(const Instance& instance, Matrix<T>& x, Matrix<T>& y) {
  std::mt19937_64 rng(instance.seed);
  x = deepadmm::testing::random_matrix<T>(2, instance.samples, -1.0, 1.0, rng);
  y = x.row(0).cwiseProduct(x.row(1));
}

const deepadmm::checks::CheckResult& find_check(const std::vector<deepadmm::checks::CheckResult>& results,
                                                const std::string& name) {
  for (const auto& r : results)
    if (r.name == name) return r;
  throw std::logic_error("no check named " + name);
}

}  // namespace

// Runs `iterations` steps with the theory parameters in scalar type T and returns an empty
// string when Assumption A held throughout and Theorems 1 to 3 held at every iterate, or a
// message naming the first violation.
template <class T>
std::string theory_violation(const Instance& instance, double lambda, double margin, int iterations) {
  Matrix<T> x, y;
  product_gate(instance, x, y);
  const auto net = deepadmm::make_network<T>(instance.widths, deepadmm::make_activation<T>(instance.activation),
                                             deepadmm::InitScheme::HeNormal, instance.seed);
  deepadmm::Options<T> options;
  options.lambda = T(lambda);
  options.max_iterations = iterations;
  deepadmm::checks::ConvergenceCheckRequest request;
  request.parameters = deepadmm::checks::ParameterSet::Theory;
  request.margin = margin;

  deepadmm::checks::ConvergenceRun<T> run;
  try {
    run = deepadmm::checks::run_for_checks(x, y, net, options, request);
  } catch (const std::runtime_error& error) {
    // compute_theory_parameters reports a failed first iteration (a factorisation that
    // failed in this precision) this way.
    return error.what();
  }
  if (run.status != deepadmm::Status::MaxIterations) return "run ended early: " + run.message;
  // The declared bounds of Assumption A must hold at every iterate after the restarts the
  // theory parameters allow. Otherwise the theorems give no guarantee for this run.
  for (std::size_t k = 0; k < run.certificate_failures.size(); ++k)
    if (!run.certificate_failures[k].empty()) return "iterate " + std::to_string(k) + ": " + run.certificate_failures[k];
  if (!run.derived.conditions_hold()) return "penalty conditions P1 to P3 not met";
  // The inequalities the proof of Theorem 1 derives from P1 to P3: alpha_j + c_j <= d_j / 2
  // and eps_j <= lambda / 4, with d_j = beta_j / 2 (j < N) and (1 + beta_N) / 2. Both sides are
  // a few roundings away from the exact values, hence the factor 1 + 8u.
  {
    const auto& d = run.derived;
    const auto& beta = run.options.beta;
    const std::size_t n_layers = instance.widths.size() - 1;
    const T slack = 1 + 8 * deepadmm::unit_roundoff<T>();
    for (std::size_t j = 1; j <= n_layers; ++j) {
      const T d_j = j == n_layers ? T((1 + beta[j - 1]) / 2) : T(beta[j - 1] / 2);
      if (d.alpha[j] + d.c[j] > d_j / 2 * slack) return "alpha_" + std::to_string(j) + " + c_" + std::to_string(j) + " > d_j / 2";
      if (d.eps[j] > T(lambda) / 4 * slack) return "eps_" + std::to_string(j) + " > lambda / 4";
    }
  }

  // Theorem 1, recomputed from the records: Phi_{k+1} <= Phi_k - a ||dP||^2 up to the
  // rounding of the two evaluations of L, 2 gamma_m times the sum of |terms|, with m the
  // number of constraint entries, weights and output residuals plus 3 roundings per term.
  const auto& rec = run.records;
  const std::size_t layers = instance.widths.size() - 1;
  int terms = 3 + instance.samples;
  for (std::size_t j = 1; j <= layers; ++j)
    terms += instance.widths[j] * instance.samples + instance.widths[j] * (instance.widths[j - 1] + 1);
  const T u = deepadmm::unit_roundoff<T>();
  const T tolerance = 2 * terms * u / (1 - terms * u);
  auto phi = [&](std::size_t k) {
    T value = rec[k].augmented_lagrangian;
    for (std::size_t j = 0; j < layers; ++j) value += run.derived.c[j + 1] * rec[k].step_v_layer[j];
    return value;
  };
  T sum_steps(0);
  T running_min(0);
  for (std::size_t k = 1; k + 1 < rec.size(); ++k) {
    T scale = rec[k].lagrangian_magnitude + rec[k + 1].lagrangian_magnitude;
    for (std::size_t j = 0; j < layers; ++j) scale += run.derived.c[j + 1] * (rec[k].step_v_layer[j] + rec[k + 1].step_v_layer[j]);
    const T primal = rec[k + 1].step_w + rec[k + 1].step_v;
    const T excess = phi(k + 1) - phi(k) + run.derived.a * primal;
    if (excess > tolerance * scale)
      return "Theorem 1 at k = " + std::to_string(k) + ": Phi_{k+1} - Phi_k + a ||dP||^2 = " + deepadmm::to_exact_string(excess) +
             " > " + deepadmm::to_exact_string(T(tolerance * scale));
    sum_steps += primal;
    running_min = k == 1 ? primal : std::min(running_min, primal);
    // Theorem 2: k min_{t<=k} ||dP^{t+1}||^2 <= C_P = Phi_1 / a.
    if (T(static_cast<int>(k)) * running_min > phi(1) / run.derived.a * (1 + tolerance))
      return "Theorem 2 at k = " + std::to_string(k);
  }
  if (run.derived.a * sum_steps > phi(1) * (1 + tolerance)) return "a sum ||dP||^2 > Phi_1";

  // The checks reach the same verdicts.
  const auto results = deepadmm::checks::convergence_checks(run, x, net, request);
  for (const auto& name : {"descent", "rate", "kkt"}) {
    const auto& check = find_check(results, name);
    if (check.verdict != deepadmm::checks::Verdict::Pass)
      return std::string(name) + " check: " + deepadmm::checks::verdict_name(check.verdict) + " " + check.reason;
  }
  return {};
}

TEST_CASE("theory parameters give Lyapunov descent and the rate bounds", "[theory][property]") {
  // Theorems 1 to 3 are statements about exact arithmetic. The theory penalties reach 1e13
  // against lambda = 1e-2 on some instances, which makes the weight systems singular to
  // double precision (deepadmm check prints the condition bound). Where a run in double
  // violates a theorem, the same instance must satisfy it in float128: a failure there is
  // not rounding. The share of such instances is printed.
  rc::prop("50 iterations in double, float128 where double fails", [] {
    const Instance instance = *instances(3, 8, 30);
    const double lambda = *rc::gen::element(1e-2, 1e-1, 1.0);
    const double margin = *rc::gen::element(1.0, 2.0, 4.0);
    RC_LOG() << describe(instance) << ", lambda " << lambda << ", margin " << margin << '\n';

    const std::string in_double = theory_violation<double>(instance, lambda, margin, 50);
    RC_CLASSIFY(!in_double.empty(), "double violated a theorem; float128 rerun");
    if (in_double.empty()) return;
    RC_LOG() << "double: " << in_double << '\n';
    const std::string in_float128 = theory_violation<deepadmm::float128>(instance, lambda, margin, 50);
    RC_LOG() << "float128: " << in_float128 << '\n';
    RC_ASSERT(in_float128.empty());
  });
}

TEST_CASE("KKT residual in float128 falls below double resolution", "[theory][property]") {
  // With beta = 10, lambda = 1 and the majorising curvature, small sigmoid instances converge
  // linearly, at a rate that varies between instances. These settings are outside the
  // conditions of the theory; with tanh the same settings can stall (r above 4 after 20000
  // iterations for widths 2-2-1, n = 3, seed 194514042), so the property draws sigmoid nets. The property: in float128 the KKT
  // residual reaches u_double * r_1 within 20000 iterations (the budget bounds the test's
  // cost). That is a reduction by the inverse unit roundoff of double, about 9e15, below the
  // level where double runs stall (15 to 21 times u_double * r_1 in the runs recorded in
  // proofs_notes/convergence.md, section 12a). It is an empirical statement of C3 in high
  // precision, not a bound from the notes.
  rc::prop("float128 run to u_double * r_1", [] {
    const Instance instance = *instances(2, 3, 8, true);
    RC_LOG() << describe(instance) << '\n';
    using deepadmm::float128;
    Matrix<float128> x, y;
    product_gate(instance, x, y);
    const auto net = deepadmm::make_network<float128>(instance.widths, deepadmm::make_activation<float128>(instance.activation),
                                                      deepadmm::InitScheme::HeNormal, instance.seed);
    deepadmm::Options<float128> options;
    options.beta = {float128(10)};
    options.lambda = float128(1);
    options.curvature = deepadmm::CurvatureRule::Majorising;
    options.max_iterations = 1;
    const auto first = deepadmm::train<float128>(x, y, net, options);
    const float128 r_1 = first.records.front().kkt_residual;
    RC_ASSERT(r_1 > 0);

    options.max_iterations = 20000;
    options.kkt_tolerance = float128(deepadmm::unit_roundoff<double>()) * r_1;
    const auto result = deepadmm::train<float128>(x, y, net, options);
    RC_LOG() << "r_1 = " << r_1 << ", status " << deepadmm::status_name(result.status) << " after "
             << result.records.size() << " iterations, r = " << result.records.back().kkt_residual << '\n';
    RC_ASSERT(result.status == deepadmm::Status::Converged);
    RC_ASSERT(result.records.back().kkt_residual <= options.kkt_tolerance);
  });
}

TEMPLATE_TEST_CASE("squared loss curvature bound holds on a grid", "[theory]", double, deepadmm::float128) {
  // Lemma 1: |g_b''(z)| = |f'(z)^2 + (f(z) - b) f''(z)| <= ell(|b|) for every z and b. The
  // left side is evaluated with a few roundings, so the bound is compared with 1 + 8u slack.
  using T = TestType;
  for (const std::string name : {"sigmoid", "tanh"}) {
    const auto f = deepadmm::make_activation<T>(name);
    const auto c = f->constants();
    const T slack = 1 + 8 * deepadmm::unit_roundoff<T>();
    T closest(1);
    for (int bi = -40; bi <= 40; ++bi) {
      const T b = T(bi) / 10;
      using std::abs;
      const T bound = c.squared_loss_curvature(abs(b));
      for (int zi = -4000; zi <= 4000; ++zi) {
        const T z = T(zi) / 200;
        const T d1 = f->derivative(z);
        const T curvature = d1 * d1 + (f->value(z) - b) * f->second_derivative(z);
        INFO(name << ": z = " << deepadmm::to_exact_string(z) << ", b = " << deepadmm::to_exact_string(b));
        REQUIRE(abs(curvature) <= bound * slack);
        closest = std::min(closest, T((bound - abs(curvature)) / bound));
      }
    }
    // The bound is not loose by orders of magnitude: somewhere on the grid |g''| comes within
    // half of it (a bound with a wrong constant factor of 2 or more would fail here).
    INFO(name << ": smallest relative gap " << deepadmm::to_exact_string(closest));
    CHECK(closest < T(1) / 2);
  }
}

TEST_CASE("multiplier step raises L by the sum of squared multiplier steps over beta", "[theory]") {
  // Lemma 3: L(W+, V+, U+) - L(W+, V+, U) = sum_j ||U_j+ - U_j||^2 / beta_j. Both values of
  // L are sums of m terms; the difference is compared with 2 gamma_m times the sum of
  // |terms|, which the record stores as lagrangian_magnitude.
  const Instance instance{{2, 3, 4, 1}, 9, 17, "sigmoid"};
  Matrix<double> x, y;
  product_gate(instance, x, y);
  const auto net = deepadmm::make_network<double>(instance.widths, deepadmm::make_activation<double>("sigmoid"),
                                                  deepadmm::InitScheme::HeNormal, instance.seed);
  deepadmm::Options<double> options;
  options.beta = {3.0, 2.0, 5.0};
  options.lambda = 0.1;
  options.max_iterations = 20;
  const auto result = deepadmm::train<double>(x, y, net, options);
  REQUIRE(result.records.size() == 20);
  int terms = 3 + instance.samples;
  for (std::size_t j = 1; j < instance.widths.size(); ++j)
    terms += instance.widths[j] * instance.samples + instance.widths[j] * (instance.widths[j - 1] + 1);
  const double gamma = terms * deepadmm::unit_roundoff<double>() / (1 - terms * deepadmm::unit_roundoff<double>());
  for (const auto& record : result.records) {
    double raise = 0;
    for (std::size_t j = 0; j < record.step_u_layer.size(); ++j) raise += record.step_u_layer[j] / options.beta[j];
    const double measured = record.augmented_lagrangian - record.augmented_lagrangian_before_multipliers;
    INFO("iteration " << record.iteration << ": raise " << measured << ", predicted " << raise);
    CHECK(std::abs(measured - raise) <= 2 * gamma * record.lagrangian_magnitude);
  }
}
