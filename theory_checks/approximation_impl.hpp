// Template definitions of approximation.hpp. Instantiated per scalar type in
// approximation_instantiate.cpp by DEEPADMM_INSTANTIATE_APPROX(T).
#pragma once

#include "approximation.hpp"

#include "solver/activations/registry.hpp"

#include <boost/multiprecision/mpfi.hpp>
#include <mpfi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace deepadmm::approx {

template <class T>
T sigmoid(const T& z) {
  using std::exp;
  if (z >= 0) return T(1) / (T(1) + exp(-z));
  const T e = exp(z);
  return e / (T(1) + e);
}

template <class T>
ReluConstruction<T> make_relu_construction(const T& eps, const T& a) {
  using std::exp;
  using std::pow;
  using std::sqrt;
  if (!(eps > 0 && eps <= 1)) throw std::invalid_argument("eps must lie in (0, 1], got " + to_exact_string(eps));
  if (!(a > 0)) throw std::invalid_argument("the half-width a must be positive, got " + to_exact_string(a));

  ReluConstruction<T> c;
  c.eps = eps;
  c.a = a;
  const T e = exp(T(1));
  c.k = T(3) / (e * eps);
  c.h1 = T(2) * sqrt(eps / (a * a * a));
  c.z0 = T(1);
  const T s = sigmoid(c.z0);
  c.sigma2_z0 = s * (T(1) - s) * (T(1) - T(2) * s);
  c.m4 = T(16) / T(125);
  const T abs_sigma2 = -c.sigma2_z0;  // sigma'' < 0 on (0, infinity)
  const T shifted = a + T(4) / T(3);
  c.h = sqrt(T(8) * abs_sigma2 * eps / (c.m4 * pow(shifted, 4)));

  c.gate_bound = T(1) / (e * c.k);
  c.identity_bound = c.h1 * c.h1 * a * a * a / T(12);
  const T big_a = a + c.identity_bound;
  c.product_bound = c.m4 * c.h * c.h * pow(big_a + T(1), 4) / (T(24) * abs_sigma2);
  c.total_bound = c.gate_bound + c.identity_bound + c.product_bound;
  c.output_weight = T(1) / (T(4) * c.h * c.h * abs_sigma2);
  return c;
}

template <class T>
Network<T> build_relu_network(const ReluConstruction<T>& c) {
  Network<T> net;
  net.widths = {1, 2, 4, 1};
  net.activation = make_activation<T>("sigmoid");

  Matrix<T> w1(2, 2);
  w1 << c.h1, T(0), c.k, T(0);

  // Row for sigma(z0 + s h (x + r u2)) with x = (4/h1) u1 - 2/h1.
  Matrix<T> w2(4, 3);
  const T slope_x = c.h * T(4) / c.h1;
  const T shift_x = c.h * T(2) / c.h1;
  int row = 0;
  for (int r : {1, -1}) {
    for (int s : {1, -1}) {
      w2(row, 0) = T(s) * slope_x;
      w2(row, 1) = T(s * r) * c.h;
      w2(row, 2) = c.z0 - T(s) * shift_x;
      ++row;
    }
  }

  // c (sigma_1 + sigma_2 - sigma_3 - sigma_4); the constants 2 sigma(z0) cancel in pairs.
  const T weight = T(1) / (T(4) * c.h * c.h * c.sigma2_z0);
  Matrix<T> w3(1, 5);
  w3 << weight, weight, -weight, -weight, T(0);
  net.weights = {w1, w2, w3};
  return net;
}

namespace detail {

template <class T>
T relu_error_at(const Network<T>& /*net*/, const Matrix<T>& points, Eigen::Index j, const Matrix<T>& out) {
  using std::abs;
  const T relu = points(0, j) > 0 ? points(0, j) : T(0);
  return abs(out(0, j) - relu);
}

// Adds the errors at `points` to `errors`.
template <class T>
void evaluate_errors(const Network<T>& net, const Matrix<T>& points, std::vector<std::pair<T, T>>& errors) {
  const Matrix<T> out = net.predict(points);
  for (Eigen::Index j = 0; j < points.cols(); ++j)
    errors.emplace_back(relu_error_at(net, points, j, out), points(0, j));
}

template <class T>
Matrix<T> uniform_grid(const T& lo, const T& hi, int n) {
  Matrix<T> points(1, n);
  for (int i = 0; i < n; ++i) points(0, i) = lo + (hi - lo) * T(i) / T(n - 1);
  return points;
}

}  // namespace detail

template <class T>
SampledError<T> sample_relu_error(const Network<T>& net, const ReluConstruction<T>& c) {
  std::vector<std::pair<T, T>> errors;
  const int grid_points = 4001;
  detail::evaluate_errors(net, detail::uniform_grid(-c.a, c.a, grid_points), errors);
  const T kink_width = std::min(c.a, T(64) / c.k);
  detail::evaluate_errors(net, detail::uniform_grid(-kink_width, kink_width, 2001), errors);

  // Refine around the five worst points seen so far, one local grid step to either side.
  std::vector<std::pair<T, T>> worst = errors;
  const std::size_t keep = std::min<std::size_t>(5, worst.size());
  std::partial_sort(worst.begin(), worst.begin() + static_cast<long>(keep), worst.end(),
                    [](const auto& x, const auto& y) { return x.first > y.first; });
  const T step = std::min(T(2) * c.a / T(grid_points - 1), kink_width / T(1000));
  for (std::size_t i = 0; i < keep; ++i) {
    const T lo = std::max(-c.a, worst[i].second - step);
    const T hi = std::min(c.a, worst[i].second + step);
    detail::evaluate_errors(net, detail::uniform_grid(lo, hi, 201), errors);
  }

  SampledError<T> result;
  result.sup_error = T(-1);
  for (const auto& [error, t] : errors) {
    if (error > result.sup_error) {
      result.sup_error = error;
      result.argmax = t;
    }
  }
  result.points = static_cast<int>(errors.size());
  return result;
}

template <class T>
T rounding_error_estimate(const Network<T>& net) {
  using std::abs;
  // Each of the four sigmoid values in the output sum is computed with an error of a few
  // units of roundoff, and the preactivation rounding (relative u on |z| <= 2) moves it by
  // at most sigma' * 2u <= u/2. The estimate takes 4u per value, times the output weights.
  T sum(0);
  const Matrix<T>& out = net.weights.back();
  for (Eigen::Index j = 0; j + 1 < out.cols(); ++j) sum += abs(out(0, j));
  return sum * T(4) * unit_roundoff<T>();
}

namespace detail {

using interval = boost::multiprecision::number<boost::multiprecision::mpfi_float_backend<0>,
                                               boost::multiprecision::et_off>;

// Converts a value of T to an interval, exactly when the interval precision is at least T's.
template <class T>
interval to_interval(const T& x) {
  interval out;
  if constexpr (std::is_same_v<T, double>) {
    mpfi_set_d(out.backend().data(), x);
  } else if constexpr (std::is_same_v<T, float128>) {
    // Three doubles hold the 113-bit significand exactly; each difference is exact in T.
    const double hi = static_cast<double>(x);
    const T rest = x - T(hi);
    const double mid = static_cast<double>(rest);
    const double lo = static_cast<double>(rest - T(mid));
    interval a, b, d;
    mpfi_set_d(a.backend().data(), hi);
    mpfi_set_d(b.backend().data(), mid);
    mpfi_set_d(d.backend().data(), lo);
    out = a + b + d;
  } else {
    mpfi_set_fr(out.backend().data(), x.backend().data());
  }
  return out;
}

inline double upper_double(const interval& x) {
  mpfr_t right;
  mpfr_init2(right, mpfi_get_prec(x.backend().data()));
  mpfi_get_right(right, x.backend().data());
  const double d = mpfr_get_d(right, MPFR_RNDU);
  mpfr_clear(right);
  return d;
}

inline double lower_double(const interval& x) {
  mpfr_t left;
  mpfr_init2(left, mpfi_get_prec(x.backend().data()));
  mpfi_get_left(left, x.backend().data());
  const double d = mpfr_get_d(left, MPFR_RNDD);
  mpfr_clear(left);
  return d;
}

// Encloses max(t, 0) for t in the interval x.
inline interval interval_relu(const interval& x) {
  if (upper_double(x) <= 0) return interval(0);
  if (lower_double(x) >= 0) return x;
  return boost::multiprecision::hull(interval(0), x);
}

inline interval interval_sigmoid(const interval& z) {
  // 1/(1 + e^{-z}) is increasing in z, so the enclosure is tight up to rounding.
  return interval(1) / (interval(1) + exp(-z));
}

inline interval interval_abs(const interval& x) {
  interval out;
  mpfi_abs(out.backend().data(), x.backend().data());
  return out;
}

// Encloses the network output (value) and its derivative in t over the interval t.
inline std::pair<interval, interval> interval_forward(const std::vector<Matrix<interval>>& weights,
                                                      const interval& t) {
  std::vector<interval> value{t};
  std::vector<interval> slope{interval(1)};
  for (std::size_t layer = 0; layer < weights.size(); ++layer) {
    const Matrix<interval>& w = weights[layer];
    const bool output = layer + 1 == weights.size();
    std::vector<interval> next_value(static_cast<std::size_t>(w.rows()));
    std::vector<interval> next_slope(static_cast<std::size_t>(w.rows()));
    for (Eigen::Index i = 0; i < w.rows(); ++i) {
      interval z = w(i, w.cols() - 1);
      interval dz(0);
      for (Eigen::Index j = 0; j + 1 < w.cols(); ++j) {
        z += w(i, j) * value[static_cast<std::size_t>(j)];
        dz += w(i, j) * slope[static_cast<std::size_t>(j)];
      }
      if (output) {
        next_value[static_cast<std::size_t>(i)] = z;
        next_slope[static_cast<std::size_t>(i)] = dz;
      } else {
        const interval s = interval_sigmoid(z);
        next_value[static_cast<std::size_t>(i)] = s;
        next_slope[static_cast<std::size_t>(i)] = s * (interval(1) - s) * dz;
      }
    }
    value = std::move(next_value);
    slope = std::move(next_slope);
  }
  return {value[0], slope[0]};
}

}  // namespace detail

template <class T>
CertifiedBound certify_relu_error(const Network<T>& net, const T& a, double target, long long max_cells,
                                  unsigned interval_digits) {
  using detail::interval;
  if (net.widths.front() != 1 || net.widths.back() != 1)
    throw std::invalid_argument("certify_relu_error needs a network with one input and one output");
  if (net.activation->name() != "sigmoid")
    throw std::invalid_argument("certify_relu_error needs a sigmoid network, got " + net.activation->name());
  interval::default_precision(interval_digits);

  std::vector<Matrix<interval>> weights;
  for (const auto& w : net.weights) {
    Matrix<interval> copy(w.rows(), w.cols());
    for (Eigen::Index i = 0; i < w.rows(); ++i)
      for (Eigen::Index j = 0; j < w.cols(); ++j) copy(i, j) = detail::to_interval(w(i, j));
    weights.push_back(std::move(copy));
  }

  // Upper bound of |e| on the cell [lo, hi]; lo and hi are exact binary numbers.
  auto cell_bound = [&](const interval& lo, const interval& hi) {
    const interval mid = (lo + hi) / 2;
    const interval cell = boost::multiprecision::hull(lo, hi);
    const interval radius = (hi - lo) / 2;
    const auto [value, unused_slope] = detail::interval_forward(weights, mid);
    (void)unused_slope;
    const interval at_mid = detail::interval_abs(value - detail::interval_relu(mid));
    const auto [unused_value, slope] = detail::interval_forward(weights, cell);
    (void)unused_value;
    // relu' on the cell: 0, 1, or [0, 1] when the cell contains the kink. relu is
    // Lipschitz, so the mean-value inequality holds with this enclosure.
    interval relu_slope;
    if (detail::upper_double(hi) <= 0)
      relu_slope = interval(0);
    else if (detail::lower_double(lo) >= 0)
      relu_slope = interval(1);
    else
      relu_slope = boost::multiprecision::hull(interval(0), interval(1));
    const interval bound = at_mid + detail::interval_abs(slope - relu_slope) * radius;
    return detail::upper_double(bound);
  };

  struct Cell {
    interval lo, hi;
    double bound;
  };
  const interval ia = detail::to_interval(a);
  std::vector<Cell> done;
  std::vector<Cell> pending{{-ia, ia, cell_bound(-ia, ia)}};
  long long cells = 1;
  while (!pending.empty()) {
    Cell cell = std::move(pending.back());
    pending.pop_back();
    if (cell.bound <= target || cells >= max_cells) {
      done.push_back(std::move(cell));
      continue;
    }
    const interval mid = (cell.lo + cell.hi) / 2;
    pending.push_back({cell.lo, mid, cell_bound(cell.lo, mid)});
    pending.push_back({mid, cell.hi, cell_bound(mid, cell.hi)});
    ++cells;
  }

  CertifiedBound result;
  result.cells = cells;
  result.reached_target = true;
  for (const auto& cell : done) {
    result.upper = std::max(result.upper, cell.bound);
    result.reached_target = result.reached_target && cell.bound <= target;
  }
  return result;
}

namespace detail {

template <class T>
std::string short_number(const T& x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3e", to_double(x));
  return buffer;
}

// Decimal digits of T (for mpfr_real at the current default precision).
template <class T>
unsigned scalar_digits() {
  if constexpr (std::is_same_v<T, double>)
    return 15;
  else if constexpr (std::is_same_v<T, float128>)
    return 33;
  else
    return mpfr_real::default_precision();
}

}  // namespace detail

template <class T>
std::vector<checks::CheckResult> run_relu_checks(const std::vector<std::string>& eps_values, const std::string& a_text,
                                                 const std::vector<std::string>& certify_eps) {
  const T a = parse_scalar<T>(a_text);
  const std::string type = scalar_name<T>();
  const unsigned interval_digits = std::max(60u, detail::scalar_digits<T>() + 30);

  checks::CheckResult sampled;
  sampled.id = "C4";
  sampled.name = "relu-approximation";
  sampled.claim = "the 1-2-4-1 sigmoid network built for eps has sup_{|t|<=a} |N(t) - max(t,0)| <= eps";
  sampled.source = "proofs_notes/approximation.md, sections 1-3";
  sampled.label = "proved bound";
  sampled.setting = "scalar " + type + ", a = " + a_text + ", error sampled on " +
                    "4001 uniform points, 2001 points on |t| <= 64/k and 5 x 201 points around the worst ones";

  checks::CheckResult certified;
  certified.id = "C4";
  certified.name = "relu-certified";
  certified.claim = "an interval-arithmetic upper bound of the sup error of the stored network is <= eps";
  certified.source = "proofs_notes/approximation.md, section 4";
  certified.label = "proved bound (MPFI interval arithmetic, " + std::to_string(interval_digits) + " digits)";
  certified.setting = "scalar " + type + ", a = " + a_text + ", exact arithmetic on the weights as stored in " + type;

  std::printf("C4 table (%s, a = %s): sup |N(t) - max(t,0)| on [-a, a]\n", type.c_str(), a_text.c_str());
  std::printf("%8s %12s %12s %8s %12s %12s %12s %s\n", "eps", "sampled", "a-priori", "ratio", "max weight",
              "rounding est", "certified", "met");
  std::string smallest_met = "none";
  for (const auto& eps_text : eps_values) {
    const T eps = parse_scalar<T>(eps_text);
    const auto construction = make_relu_construction(eps, a);
    const auto net = build_relu_network(construction);
    const auto sample = sample_relu_error(net, construction);
    const T rounding = rounding_error_estimate(net);
    const bool met = sample.sup_error <= eps;
    if (met) smallest_met = eps_text;

    checks::Measurement m;
    m.quantity = "sampled sup error, eps = " + eps_text;
    m.measured = to_double(sample.sup_error);
    m.measured_exact = to_exact_string(sample.sup_error);
    m.bound = to_double(eps);
    m.tolerance = 0;
    m.tolerance_source = "none: the a-priori bound is <= eps in exact arithmetic, and the measurement counts only "
                         "where the rounding estimate is below eps/10";
    m.counts = rounding <= eps / 10;
    m.note = "a-priori bound " + detail::short_number(construction.total_bound) + ", worst t " +
             detail::short_number(sample.argmax) + ", rounding estimate " + detail::short_number(rounding);
    checks::decide(m);
    sampled.measurements.push_back(m);

    std::string certified_text = "-";
    if (std::find(certify_eps.begin(), certify_eps.end(), eps_text) != certify_eps.end()) {
      const double eps_d = to_double(eps);
      const double sampled_d = to_double(sample.sup_error);
      // Refine until each cell is below the midpoint of the sampled error and eps, so the
      // bound lands between them when the partition allows.
      const double target = sampled_d < eps_d ? sampled_d + (eps_d - sampled_d) / 2 : eps_d;
      const auto bound = certify_relu_error(net, a, target, 2'000'000, interval_digits);
      certified_text = detail::short_number(bound.upper);

      checks::Measurement c;
      c.quantity = "certified sup error, eps = " + eps_text;
      c.measured = bound.upper;
      c.bound = eps_d;
      c.tolerance = 0;
      c.tolerance_source = "none: the certified bound is rigorous";
      c.note = std::to_string(bound.cells) + " cells" + (bound.reached_target ? "" : ", cell limit reached");
      checks::decide(c);
      certified.measurements.push_back(c);

      checks::Measurement s;
      s.quantity = "sampled error <= certified bound, eps = " + eps_text;
      s.measured = sampled_d;
      s.measured_exact = to_exact_string(sample.sup_error);
      s.bound = bound.upper;
      s.tolerance = to_double(rounding);
      s.tolerance_source = "the rounding estimate of evaluating the network in " + type +
                           ", because the certified bound is for exact arithmetic";
      checks::decide(s);
      certified.measurements.push_back(s);
    }

    std::printf("%8s %12.4e %12.4e %8.3f %12.4e %12.4e %12s %s\n", eps_text.c_str(), to_double(sample.sup_error),
                to_double(construction.total_bound), to_double(sample.sup_error / construction.total_bound),
                to_double(construction.output_weight), to_double(rounding), certified_text.c_str(),
                met ? "yes" : "no");
  }
  std::printf("\n");

  sampled.findings.push_back("smallest eps of the list whose target is met in " + type + ": " + smallest_met);
  sampled.findings.push_back(
      "the largest weight is the output weight M4 (a+4/3)^4 / (32 sigma''(1)^2 eps), which grows like 1/eps");
  sampled.findings.push_back(
      "the output sums four sigmoid values near sigma(1) = 0.73 with weights of size 1/eps, so rounding them "
      "costs about 16 u |c| ~ u/eps and the target eps fails once eps^2 is near the unit roundoff u");
  sampled.verdict = checks::combine(sampled.measurements);
  certified.verdict = checks::combine(certified.measurements);
  std::vector<checks::CheckResult> results{sampled};
  if (!certified.measurements.empty()) results.push_back(certified);
  return results;
}

}  // namespace deepadmm::approx

#define DEEPADMM_INSTANTIATE_APPROX(T)                                                                              \
  namespace deepadmm::approx {                                                                                      \
  template T sigmoid<T>(const T&);                                                                                  \
  template ReluConstruction<T> make_relu_construction<T>(const T&, const T&);                                       \
  template Network<T> build_relu_network<T>(const ReluConstruction<T>&);                                            \
  template SampledError<T> sample_relu_error<T>(const Network<T>&, const ReluConstruction<T>&);                     \
  template T rounding_error_estimate<T>(const Network<T>&);                                                         \
  template CertifiedBound certify_relu_error<T>(const Network<T>&, const T&, double, long long, unsigned);          \
  template std::vector<checks::CheckResult> run_relu_checks<T>(const std::vector<std::string>&, const std::string&, \
                                                               const std::vector<std::string>&);                    \
  }
