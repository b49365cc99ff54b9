// Helpers shared by the test files: scalar set-up, random inputs and norms in any of the
// solver's scalar types.
#pragma once

#include "solver/admm.hpp"
#include "solver/scalar.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <type_traits>

#include <unistd.h>

namespace deepadmm::testing {

// Sets the decimal digits of new mpfr_real values for the lifetime of the object and
// restores the previous default afterwards, so one test cannot change another's precision.
class MpfrDigits {
 public:
  explicit MpfrDigits(unsigned digits10) : previous_(mpfr_real::default_precision()) {
    set_mpfr_digits(digits10);
  }
  ~MpfrDigits() { set_mpfr_digits(previous_); }
  MpfrDigits(const MpfrDigits&) = delete;
  MpfrDigits& operator=(const MpfrDigits&) = delete;

 private:
  unsigned previous_;
};

// Decimal digits that the mpfr_real instances of the typed tests use.
inline constexpr unsigned kMpfrTestDigits = 50;

// Prepares scalar type T for a test: sets kMpfrTestDigits for mpfr_real, nothing otherwise.
// Create it before any value of T.
template <class T>
class ScalarSetup {
 public:
  ScalarSetup() : digits_(std::is_same_v<T, mpfr_real> ? kMpfrTestDigits : mpfr_real::default_precision()) {}

 private:
  MpfrDigits digits_;
};

// A new empty directory under the system's temporary directory, removed with its
// contents when the object is destroyed.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("deepadmm_tests_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

template <class T>
inline constexpr bool is_mpfr = std::is_same_v<T, mpfr_real>;

// Draws a rows x cols matrix with entries uniform in [low, high]. The draws are doubles,
// converted exactly, so every scalar type gets the same entries for one seed.
template <class T>
Matrix<T> random_matrix(Eigen::Index rows, Eigen::Index cols, double low, double high, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> uniform(low, high);
  Matrix<T> m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = T(uniform(rng));
  return m;
}

inline int random_int(int low, int high, std::mt19937_64& rng) {
  return std::uniform_int_distribution<int>(low, high)(rng);
}

// Frobenius norm, written out so that it is the same plain sum in every scalar type.
template <class Derived>
typename Derived::Scalar frobenius(const Eigen::MatrixBase<Derived>& m) {
  using std::sqrt;
  using Scalar = typename Derived::Scalar;
  return Scalar(sqrt(m.squaredNorm()));
}

template <class T>
T max_abs(const Matrix<T>& m) {
  return m.size() == 0 ? T(0) : T(m.cwiseAbs().maxCoeff());
}

// Returns |a - b| / scale entrywise maximised, the quantity a rounding-error bound
// of the form |a - b| <= c u scale is checked against. Entries with scale 0 must match
// exactly and give 0 or infinity.
template <class T>
T max_scaled_difference(const Matrix<T>& a, const Matrix<T>& b, const Matrix<T>& scale) {
  using std::abs;
  T worst(0);
  for (Eigen::Index k = 0; k < a.size(); ++k) {
    const T difference = abs(T(a.data()[k] - b.data()[k]));
    if (difference == 0) continue;
    const T ratio = scale.data()[k] > 0 ? T(difference / scale.data()[k])
                                        : T(std::numeric_limits<double>::infinity());
    if (ratio > worst) worst = ratio;
  }
  return worst;
}

// Rounding factor of the identity U_N = V_N - Y, which is exact in real arithmetic after
// every iteration. The solver rounds V_N = (Y + U_N^k + beta P)/(1 + beta) about 5 times
// and U_N = U_N^k + beta (P - V_N) about 4 times, and the check rounds twice more. Each
// rounding is at most u times the scale of output_identity_ratio, so 12 u covers them
// with one to spare for forming the scale.
inline constexpr int kOutputIdentityFactor = 12;

// Returns max over entries of |U_N - (V_N - Y)| / s with the entrywise scale
//   s = |Y| + |U_N| + 2 beta_N |P| + (1 + beta_N) |V_N|,  P = W_N [V_{N-1}; 1^T],
// which bounds every quantity the last two steps of the iteration round, including
// U_N^k = U_N - beta_N (P - V_N).
template <class T>
T output_identity_ratio(const AdmmState<T>& state, const Matrix<T>& x, const Matrix<T>& y, const T& beta_out) {
  const auto last = state.v.size() - 1;
  const Matrix<T>& input = last == 0 ? x : state.v[last - 1];
  const Matrix<T> p = state.network.weights.back() * append_ones_row<T>(input);
  const Matrix<T>& v_out = state.v[last];
  const Matrix<T>& u_out = state.u[last];
  const Matrix<T> scale = y.cwiseAbs() + u_out.cwiseAbs() + T(2 * beta_out) * p.cwiseAbs() +
                          T(1 + beta_out) * v_out.cwiseAbs();
  const Matrix<T> residual = v_out - y;
  return max_scaled_difference<T>(u_out, residual, scale);
}

// Returns true when every measured field of `record` is finite. Fields that were not
// computed hold -1, which is finite too.
template <class T>
bool record_is_finite(const IterationRecord<T>& r) {
  for (const T* field : {&r.augmented_lagrangian, &r.augmented_lagrangian_before_multipliers,
                         &r.lagrangian_magnitude, &r.objective,
                         &r.training_error, &r.primal_residual, &r.kkt_stationarity_w, &r.kkt_stationarity_v,
                         &r.kkt_feasibility, &r.kkt_residual, &r.step_w, &r.step_v, &r.step_u, &r.step_squared})
    if (!is_finite(*field)) return false;
  for (const auto* values : {&r.step_w_layer, &r.step_v_layer, &r.step_u_layer, &r.curvature_h, &r.curvature_mu})
    for (const auto& value : *values)
      if (!is_finite(value)) return false;
  return true;
}

}  // namespace deepadmm::testing
