// Time of one ADMM iteration (AdmmSolver<T>::step) in each scalar type, with its FLOP count,
// next to the rate of an Eigen double matrix product measured in the same run.
//
//   bench_iteration --benchmark_out=bench/results/iteration.json --benchmark_out_format=json
//
// Problems: the product gate y = x1*x2 on n inputs uniform in [-1,1]^2, widths 2-h-h-1,
// sigmoid, MSRA initialisation with scale factor 8, default Options (beta = 1,
// lambda = 1e-6, reference curvature) and kkt_every = 1, so every step also computes the
// training error and the KKT residual of its record. Eigen runs single-threaded here (the
// build does not enable OpenMP), so every rate is the rate of one core.

#include "solver/activations/registry.hpp"
#include "solver/admm.hpp"
#include "solver/network.hpp"
#include "solver/scalar.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using deepadmm::float128;
using deepadmm::Matrix;
using deepadmm::mpfr_real;

constexpr std::uint64_t kSeed = 1;     // the default seed of the deepadmm command
constexpr double kMsraScale = 8.0;
constexpr unsigned kMpfrDigits = 50;

// Returns the number of floating-point operations in one AdmmSolver<T>::step on a network
// of `widths` (d_0 .. d_N) with n samples, counting the records' KKT products when `kkt`.
//
// Counted terms, with a_i = d_i + 1 the rows of the augmented state [V_i; 1^T]:
//   product of m x k and k x n           2 m k n
//   rank update C += A A^T, C d x d,     d (d+1) k   (lower triangle only, as the solver
//     A d x k                                         forms it)
//   Cholesky factorisation of size d     d^3 / 3
//   solve with that factor               2 d^2 per right-hand side (two triangular solves)
// Per iteration, in the order of the step:
//   1. output weight W_N:       rank update a_{N-1} over n; target A^T (2 d_N a_{N-1} n);
//                               Cholesky a_{N-1}; solve with d_N right-hand sides
//   2. hidden weights W_i:      target A^T (2 d_i a_{i-1} n); Z = W_i A is reused from
//                               the previous iteration's state step (Options::reuse_products);
//                               rank update a_{i-1} over n; Cholesky a_{i-1}; solve with
//                               d_i right-hand sides
//   3. hidden states V_i, i < N-1: f(W_i A) (2 d_i a_{i-1} n); T = M V_i and M^T (...)
//                               with M = W_{i+1} without bias (2 d_{i+1} d_i n each);
//                               rank update M^T M (d_i (d_i+1) d_{i+1}); Cholesky d_i;
//                               solve with n right-hand sides
//   4. last hidden state V_{N-1}: f(W_{N-1} A) (2 d_{N-1} a_{N-2} n); M^T (...) with
//                               M = W_N without bias (2 d_{N-1} d_N n). When
//                               2 d_N < d_{N-1} (Woodbury): rank update M M^T
//                               (d_N (d_N+1) d_{N-1}), Cholesky d_N, M R and M^T (...)
//                               (2 d_N d_{N-1} n each), solve d_N with n right-hand sides.
//                               Otherwise: rank update M^T M, Cholesky d_{N-1}, solve with
//                               n right-hand sides
//   5. output state:            P = W_N A_{N-1} (2 d_N a_{N-1} n)
//   record, training error:     forward pass through layers 2 .. N (layer 1 is reused)
//   record, KKT residual:       E_i A_{i-1}^T for every layer (2 d_i a_{i-1} n) and
//                               M_i^T E_i for i > 1 (2 d_{i-1} d_i n)
// NOTE: This is an estimate of the arithmetic, not a measurement. It leaves out the
// entrywise work, which is O(n d_i) per layer: activation values and slopes (exp), the
// differences, scalings and norms of the steps and records. A step of a 2-h-h-1 net
// evaluates the sigmoid with slopes five times and without them once. By the times of
// BM_SigmoidEvaluate, that is about half of a 2-20-20-1 step and a third of a 2-300-300-1
// step in double, so FLOP/s understates the rate of the products. Eigen forms the
// diagonal blocks of a rank update in full and the Cholesky count keeps only its leading
// term, so both terms are slightly low.
double flops_per_iteration(const std::vector<int>& widths, int n, bool kkt) {
  const int layers = static_cast<int>(widths.size()) - 1;
  const double samples = n;
  auto d = [&](int i) { return static_cast<double>(widths[static_cast<std::size_t>(i)]); };
  auto a = [&](int i) { return d(i) + 1; };
  auto product = [](double m, double k, double cols) { return 2 * m * k * cols; };
  auto rank_update = [](double dim, double k) { return dim * (dim + 1) * k; };
  auto cholesky = [](double dim) { return dim * dim * dim / 3; };
  auto solve = [](double dim, double rhs) { return 2 * dim * dim * rhs; };

  double flops = 0;

  // 1. Output weight W_N, exact.
  flops += rank_update(a(layers - 1), samples);
  flops += product(d(layers), samples, a(layers - 1));
  flops += cholesky(a(layers - 1)) + solve(a(layers - 1), d(layers));

  // 2. Hidden weights W_i, prox-linear: (...) A^T. Z = W_i A is the product the previous
  // iteration's state step formed, which the solver reuses.
  for (int i = layers - 1; i >= 1; --i) {
    flops += product(d(i), a(i - 1), samples);
    flops += rank_update(a(i - 1), samples);
    flops += cholesky(a(i - 1)) + solve(a(i - 1), d(i));
  }

  // 3. and 4. Hidden states, each after f(W_i A_{i-1}) at the new weights.
  for (int i = 1; i <= layers - 1; ++i) {
    flops += product(d(i), a(i - 1), samples);
    if (i < layers - 1) flops += product(d(i + 1), d(i), samples);  // T = M V_i
    flops += product(d(i), d(i + 1), samples);                      // M^T (...)
    if (i == layers - 1 && 2 * d(layers) < d(i)) {
      // Woodbury: K = (beta/beta_N) I + M M^T of size d_N.
      flops += rank_update(d(layers), d(i));
      flops += cholesky(d(layers)) + solve(d(layers), samples);
      flops += 2 * product(d(layers), d(i), samples);  // M R and M^T K^{-1} M R
    } else {
      flops += rank_update(d(i), d(i + 1));
      flops += cholesky(d(i)) + solve(d(i), samples);
    }
  }

  // 5. Output state: P = W_N A_{N-1}.
  flops += product(d(layers), a(layers - 1), samples);

  // Training error of the record: forward pass from layer 2 on.
  for (int i = 2; i <= layers; ++i) flops += product(d(i), a(i - 1), samples);

  // KKT residual of the record: the gradients with respect to W_i and V_{i-1}.
  if (kkt) {
    for (int i = layers; i >= 1; --i) {
      flops += product(d(i), samples, a(i - 1));
      if (i > 1) flops += product(d(i - 1), d(i), samples);
    }
  }
  return flops;
}

// The product gate data: x drawn in double and converted, so every scalar type starts
// from the same inputs, and y = x1 * x2 computed in T.
template <class T>
struct ProductGate {
  Matrix<T> x;
  Matrix<T> y;
};

template <class T>
ProductGate<T> product_gate(int n) {
  std::mt19937_64 rng(kSeed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  ProductGate<T> data{Matrix<T>(2, n), Matrix<T>(1, n)};
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < 2; ++i) data.x(i, j) = T(uniform(rng));
    data.y(0, j) = data.x(0, j) * data.x(1, j);
  }
  return data;
}

// Widths 2-h-...-h-1 of the product gate net with `depth` hidden layers of width h.
std::vector<int> product_gate_widths(int hidden, int depth) {
  std::vector<int> widths = {2};
  for (int i = 0; i < depth; ++i) widths.push_back(hidden);
  widths.push_back(1);
  return widths;
}

// A solver on the product gate with n samples and the given widths.
template <class T>
deepadmm::AdmmSolver<T> product_gate_solver(const std::vector<int>& widths, int n, int kkt_every) {
  auto data = product_gate<T>(n);
  auto net = deepadmm::make_network<T>(widths, deepadmm::make_activation<T>("sigmoid"),
                                       deepadmm::InitScheme::Msra, kSeed, kMsraScale);
  deepadmm::Options<T> options;
  options.kkt_every = kkt_every;
  return deepadmm::AdmmSolver<T>(std::move(data.x), std::move(data.y), std::move(net), options);
}

// Times AdmmSolver<T>::step on the product gate net 2-h-...-h-1. range(0) is h, range(1)
// is n, range(2) the number of hidden layers, range(3) kkt_every (1: the KKT residual in
// every record, the command's default; 0: never).
template <class T>
void BM_AdmmStep(benchmark::State& state) {
  // Boost gives each new mpfr_real the default precision at its creation, so the
  // precision is set before the first value of the run.
  if constexpr (std::is_same_v<T, mpfr_real>) deepadmm::set_mpfr_digits(kMpfrDigits);

  const int hidden = static_cast<int>(state.range(0));
  const int n = static_cast<int>(state.range(1));
  const std::vector<int> widths = product_gate_widths(hidden, static_cast<int>(state.range(2)));
  const auto kkt_every = static_cast<int>(state.range(3));
  auto solver = product_gate_solver<T>(widths, n, kkt_every);
  const auto& options = solver.options();

  deepadmm::IterationRecord<T> record;
  deepadmm::Status failure = deepadmm::Status::NumericalFailure;
  std::string message;
  // Every pass steps on from the previous iterate, so the timed steps are iterations
  // 1, 2, 3, ... of one run. The products, factorisations and solves of a step depend
  // only on the sizes, not on the values. A step that fails (non-finite iterate or
  // failed Cholesky) ends the run with an error.
  for (auto _ : state) {
    if (!solver.step(record, &failure, &message)) {
      state.SkipWithError(message.c_str());
      break;
    }
    benchmark::DoNotOptimize(record.kkt_residual);
  }

  const double flops = flops_per_iteration(widths, n, options.kkt_every > 0);
  state.counters["flops"] = benchmark::Counter(flops);
  state.counters["FLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(deepadmm::scalar_name<T>());
}

// The update steps of one iteration, each timed alone on the state after two iterations
// of the double product gate net 2-h-h-1 with n samples. range(0) is the step (see
// kUpdateStepNames), range(1) is h, range(2) is n. The hidden weight step recomputes
// Z = W_2 [V_1; 1^T] and f(Z), which AdmmSolver::step reuses from the previous iteration.
constexpr const char* kUpdateStepNames[] = {"output weight W_3", "hidden weight W_2 (with Z)",
                                            "hidden state V_1", "last hidden state V_2",
                                            "output state V_3", "records from scratch"};

void BM_UpdateStep(benchmark::State& state) {
  using T = double;
  const auto step = static_cast<int>(state.range(0));
  const int hidden = static_cast<int>(state.range(1));
  const int n = static_cast<int>(state.range(2));
  const std::vector<int> widths = product_gate_widths(hidden, 2);
  auto solver = product_gate_solver<T>(widths, n, 1);
  deepadmm::IterationRecord<T> record;
  for (int k = 0; k < 2; ++k) {
    if (!solver.step(record, nullptr, nullptr)) {
      state.SkipWithError("a step of the set-up failed");
      return;
    }
  }
  const auto& q = solver.state();
  const auto& f = *q.network.activation;
  const T beta = 1;
  const T lambda = solver.options().lambda;
  const Matrix<T> x_augmented = deepadmm::append_ones_row<T>(product_gate<T>(n).x);
  const Matrix<T> a1 = deepadmm::append_ones_row<T>(q.v[0]);
  const Matrix<T> a2 = deepadmm::append_ones_row<T>(q.v[1]);
  const Matrix<T> b1 = q.v[0] - q.u[0] / beta;
  const Matrix<T> b2 = q.v[1] - q.u[1] / beta;
  Matrix<T> s1;
  f.evaluate(Matrix<T>(q.network.weight(1) * x_augmented), s1, nullptr);
  const Matrix<T> c1 = s1 + q.u[0] / beta;
  Matrix<T> s2;
  f.evaluate(Matrix<T>(q.network.weight(2) * a1), s2, nullptr);
  const Matrix<T> p = q.network.weight(3) * a2;
  const auto data = product_gate<T>(n);
  const T h = b2.cwiseAbs().maxCoeff();

  Matrix<T> out;
  bool ok = true;
  for (auto _ : state) {
    switch (step) {
      case 0: ok = deepadmm::output_weight_update(a2, q.v[2], q.u[2], beta, lambda, out); break;
      case 1: ok = deepadmm::hidden_weight_update(q.network.weight(2), a1, b2, beta, lambda, h, f, out); break;
      case 2:
        ok = deepadmm::hidden_state_update(c1, q.v[0], q.network.weight(2), b2, beta, beta, h, f, out);
        break;
      case 3: ok = deepadmm::last_hidden_state_update(s2, q.u[1], q.network.weight(3), q.v[2], q.u[2], beta, beta, out); break;
      case 4: deepadmm::output_state_update(data.y, q.u[2], p, beta, out); break;
      default: deepadmm::measure_state(q, data.x, data.y, solver.options(), record); break;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::DoNotOptimize(record.kkt_residual);
  }
  if (!ok) state.SkipWithError("the update's Cholesky factorisation failed");
  state.SetLabel(kUpdateStepNames[step]);
}

// Reference rate: the Eigen double product C = A B with A m x k and B k x n.
// range(0) is m, range(1) is k, range(2) is n.
void BM_EigenGemm(benchmark::State& state) {
  const auto m = static_cast<Eigen::Index>(state.range(0));
  const auto k = static_cast<Eigen::Index>(state.range(1));
  const auto n = static_cast<Eigen::Index>(state.range(2));
  const Matrix<double> a = Matrix<double>::Random(m, k);
  const Matrix<double> b = Matrix<double>::Random(k, n);
  Matrix<double> c(m, n);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(k) * static_cast<double>(n);
  state.counters["flops"] = benchmark::Counter(flops);
  state.counters["FLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
}

// Times one evaluation of the sigmoid values and slopes of a rows x cols matrix, the
// entrywise work that flops_per_iteration leaves out. range(0) is rows, range(1) is cols.
template <class T>
void BM_SigmoidEvaluate(benchmark::State& state) {
  if constexpr (std::is_same_v<T, mpfr_real>) deepadmm::set_mpfr_digits(kMpfrDigits);

  const auto rows = static_cast<Eigen::Index>(state.range(0));
  const auto cols = static_cast<Eigen::Index>(state.range(1));
  const auto sigmoid = deepadmm::make_activation<T>("sigmoid");
  // Pre-activations uniform in [-8, 8].
  const Matrix<T> z = (Matrix<double>::Random(rows, cols) * 8.0).template cast<T>();
  Matrix<T> values;
  Matrix<T> slopes;
  for (auto _ : state) {
    sigmoid->evaluate(z, values, &slopes);
    benchmark::DoNotOptimize(values.data());
    benchmark::DoNotOptimize(slopes.data());
  }
  state.SetLabel(deepadmm::scalar_name<T>());
}

}  // namespace

BENCHMARK(BM_EigenGemm)
    ->ArgNames({"m", "k", "n"})
    ->Args({300, 1000, 300})
    ->Args({300, 301, 1000})
    ->Unit(benchmark::kMillisecond);

// The product gate sizes of the targets, with and without the KKT residual in the records.
BENCHMARK_TEMPLATE(BM_AdmmStep, double)
    ->ArgNames({"hidden", "n", "depth", "kkt"})
    ->Args({20, 200, 2, 1})
    ->Args({300, 1000, 2, 1})
    ->Args({300, 1000, 2, 0})
    ->Unit(benchmark::kMillisecond);
// The scaling table: n, the width and the depth varied one at a time around 300, 1000, 2.
BENCHMARK_TEMPLATE(BM_AdmmStep, double)
    ->Name("Scaling/BM_AdmmStep<double>")
    ->ArgNames({"hidden", "n", "depth", "kkt"})
    ->Args({300, 250, 2, 1})
    ->Args({300, 500, 2, 1})
    ->Args({300, 2000, 2, 1})
    ->Args({300, 4000, 2, 1})
    ->Args({75, 1000, 2, 1})
    ->Args({150, 1000, 2, 1})
    ->Args({600, 1000, 2, 1})
    ->Args({300, 1000, 1, 1})
    ->Args({300, 1000, 3, 1})
    ->Args({300, 1000, 4, 1})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_UpdateStep)
    ->ArgNames({"step", "hidden", "n"})
    ->ArgsProduct({{0, 1, 2, 3, 4, 5}, {300}, {1000}})
    ->Unit(benchmark::kMillisecond);
// A multiprecision step of the small net takes 0.05 to 0.15 s, so the default minimum time
// of 0.5 s would time only a few steps.
BENCHMARK_TEMPLATE(BM_AdmmStep, float128)
    ->ArgNames({"hidden", "n", "depth", "kkt"})
    ->Args({20, 200, 2, 1})
    ->MinTime(2.0)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_AdmmStep, mpfr_real)
    ->ArgNames({"hidden", "n", "depth", "kkt"})
    ->Args({20, 200, 2, 1})
    ->MinTime(2.0)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_TEMPLATE(BM_SigmoidEvaluate, double)
    ->ArgNames({"rows", "cols"})
    ->Args({20, 200})
    ->Args({300, 1000})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_SigmoidEvaluate, float128)
    ->ArgNames({"rows", "cols"})
    ->Args({20, 200})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_SigmoidEvaluate, mpfr_real)
    ->ArgNames({"rows", "cols"})
    ->Args({20, 200})
    ->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("eigen_version", std::to_string(EIGEN_WORLD_VERSION) + "." +
                                                   std::to_string(EIGEN_MAJOR_VERSION) + "." +
                                                   std::to_string(EIGEN_MINOR_VERSION));
  benchmark::AddCustomContext("eigen_simd", Eigen::SimdInstructionSetsInUse());
  benchmark::AddCustomContext("mpfr_digits10", std::to_string(kMpfrDigits));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
