// Sigmoid and tanh policies: values and derivatives against 100-digit references over
// [-800, 800], behaviour in the tails, finite differences and the declared constants.
#include "test_support.hpp"

#include "solver/activations/registry.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>

using deepadmm::float128;
using deepadmm::mpfr_real;
using deepadmm::activations::Sigmoid;
using deepadmm::activations::Tanh;
using deepadmm::testing::MpfrDigits;

namespace {

// Digits of the reference values. Every comparison is made at this precision.
constexpr unsigned kReferenceDigits = 100;

// A point z = numerator / 2^shift, exact in every scalar type.
struct GridPoint {
  long numerator;
  int shift;
};

// Integers over [-800, 800] (both tails, where exp(-|z|) underflows double for
// |z| > 745), steps of 1/64 over [-10, 10], and points near 0.
std::vector<GridPoint> comparison_grid() {
  std::vector<GridPoint> grid;
  for (long k = -800; k <= 800; ++k) grid.push_back({k, 0});
  for (long k = -640; k <= 640; ++k)
    if (k % 64 != 0) grid.push_back({k, 6});
  for (int shift : {30, 60}) {
    grid.push_back({1, shift});
    grid.push_back({-1, shift});
  }
  return grid;
}

template <class T>
T grid_value(const GridPoint& point) {
  T z(point.numerator);
  for (int i = 0; i < point.shift; ++i) z /= 2;
  return z;
}

std::string describe(const GridPoint& point) {
  return std::to_string(point.numerator) + "/2^" + std::to_string(point.shift);
}

// Decimal text of x with more digits than T holds, so that reading it into a
// 100-digit value changes it by far less than T's unit roundoff.
template <class T>
std::string exact_text(const T& x) {
  if constexpr (std::is_same_v<T, double>) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.40e", x);
    return buffer;
  } else if constexpr (std::is_same_v<T, float128>) {
    return x.str(45, std::ios_base::scientific);
  } else {
    return x.str(static_cast<std::streamsize>(mpfr_real::default_precision() + 20), std::ios_base::scientific);
  }
}

// Values of a policy in T at every grid point, as text. Non-finite results are left
// out of the text and counted.
struct Evaluations {
  std::vector<std::string> value, derivative, second;
  int non_finite = 0;
};

template <class Policy, class T>
Evaluations evaluate_on_grid(const std::vector<GridPoint>& grid) {
  Evaluations out;
  for (const auto& point : grid) {
    const T z = grid_value<T>(point);
    const T value = Policy::value(z);
    const T derivative = Policy::derivative(z);
    const T second = Policy::second_derivative(z);
    if (!deepadmm::is_finite(value) || !deepadmm::is_finite(derivative) || !deepadmm::is_finite(second)) {
      ++out.non_finite;
      out.value.emplace_back("0");
      out.derivative.emplace_back("0");
      out.second.emplace_back("0");
      continue;
    }
    out.value.push_back(exact_text(value));
    out.derivative.push_back(exact_text(derivative));
    out.second.push_back(exact_text(second));
  }
  return out;
}

// Closed forms free of cancellation, written independently of the policies:
//   sigmoid  1/(1 + e^{-z}),   1/(4 cosh^2(z/2)),   -sinh(z/2)/(4 cosh^3(z/2))
//   tanh     sinh z / cosh z,  1/cosh^2 z,          -2 sinh z / cosh^3 z
// Each is a few correctly rounded MPFR operations, so its relative error is below
// 5 u at the working precision.
struct Reference {
  mpfr_real value, derivative, second;
};

template <class Policy>
Reference closed_form(const mpfr_real& z) {
  using boost::multiprecision::cosh;
  using boost::multiprecision::exp;
  using boost::multiprecision::sinh;
  Reference r;
  if constexpr (std::is_same_v<Policy, Sigmoid>) {
    const mpfr_real half = z / 2;
    const mpfr_real c = cosh(half);
    r.value = 1 / (1 + exp(mpfr_real(-z)));
    r.derivative = 1 / (4 * c * c);
    r.second = -sinh(half) / (4 * c * c * c);
  } else {
    const mpfr_real c = cosh(z);
    const mpfr_real s = sinh(z);
    r.value = s / c;
    r.derivative = 1 / (c * c);
    r.second = -2 * s / (c * c * c);
  }
  return r;
}

// Relative rounding factors of each policy, counted from its formulas. They take exp
// within 1 ulp (2 u) and tanh within 2 ulp (4 u), the maxima that glibc's
// sysdeps/x86_64/fpu/libm-test-ulps lists for double and float128. MPFR rounds correctly.
// NOTE: those maxima are measured, not proven, and libquadmath's expq and tanhq are
// assumed to match glibc's float128 functions.
//   sigmoid f   e/(1 + e) or 1/(1 + e): 2u + 3u + u = 6u            -> 8
//   sigmoid f'  f(z) f(-z): 6u + 6u + u = 13u                        -> 16
//   sigmoid f'' f(z) f(-z) (f(-z) - f(z)): the difference has absolute error 7u (not
//               relative, it cancels near 0), so |error| <= 16u (|f''| + f')
//   tanh f      4u                                                    -> 8
//   tanh f'     4e/(1 + e)^2: 2u + 3u + 4u + u = 10u                  -> 16
//   tanh f''    -2 f f': 4u + 10u + u = 15u                           -> 16
struct ErrorFactors {
  int value;
  int derivative;
  int second;
  bool second_needs_slope;  // the bound of f'' is relative to |f''| + f', not |f''|
};

template <class Policy>
ErrorFactors error_factors() {
  if constexpr (std::is_same_v<Policy, Sigmoid>)
    return {8, 16, 16, true};
  else
    return {8, 16, 16, false};
}

// Compares a policy's values in T (digits10 of mpfr_real when T is mpfr_real) with the
// closed forms and returns, per function, the largest error divided by its bound.
struct WorstRatios {
  double value = 0, derivative = 0, second = 0;
  std::string value_at, derivative_at, second_at;
  int non_finite = 0;
};

template <class Policy, class T>
WorstRatios compare_with_closed_forms(unsigned mpfr_digits) {
  const auto grid = comparison_grid();
  Evaluations computed;
  std::string unit_roundoff_text;
  {
    MpfrDigits digits(mpfr_digits);
    computed = evaluate_on_grid<Policy, T>(grid);
    unit_roundoff_text = exact_text(deepadmm::unit_roundoff<T>());
  }

  MpfrDigits digits(kReferenceDigits);
  const mpfr_real u_t(unit_roundoff_text);
  const mpfr_real u_reference = deepadmm::unit_roundoff<mpfr_real>();
  // Only double underflows on [-800, 800]: e^{-1600} is about 1e-695, far above the
  // smallest float128 (1e-4965) and MPFR values. Gradual underflow rounds each of the
  // policies' few operations by at most one denormal spacing, so 8 spacings cover them.
  const mpfr_real underflow = std::is_same_v<T, double> ? mpfr_real(8 * std::numeric_limits<double>::denorm_min())
                                                        : mpfr_real(0);
  const ErrorFactors factors = error_factors<Policy>();

  WorstRatios worst;
  worst.non_finite = computed.non_finite;
  auto track = [&](const mpfr_real& got, const mpfr_real& expected, const mpfr_real& scale, int factor,
                   double& worst_ratio, std::string& worst_at, const GridPoint& point) {
    using boost::multiprecision::abs;
    // The closed form adds its own error, at most 5 u_reference relative.
    const mpfr_real bound = factor * u_t * scale + 5 * u_reference * abs(expected) + underflow;
    const mpfr_real error = abs(mpfr_real(got - expected));
    const double ratio = bound > 0 ? static_cast<double>(error / bound) : (error > 0 ? 1e300 : 0.0);
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      worst_at = describe(point);
    }
  };
  for (std::size_t k = 0; k < grid.size(); ++k) {
    using boost::multiprecision::abs;
    const mpfr_real z = grid_value<mpfr_real>(grid[k]);
    const Reference r = closed_form<Policy>(z);
    track(mpfr_real(computed.value[k]), r.value, abs(r.value), factors.value, worst.value, worst.value_at, grid[k]);
    track(mpfr_real(computed.derivative[k]), r.derivative, abs(r.derivative), factors.derivative, worst.derivative,
          worst.derivative_at, grid[k]);
    const mpfr_real second_scale = factors.second_needs_slope ? mpfr_real(abs(r.second) + abs(r.derivative))
                                                              : mpfr_real(abs(r.second));
    track(mpfr_real(computed.second[k]), r.second, second_scale, factors.second, worst.second, worst.second_at,
          grid[k]);
  }
  return worst;
}

template <class Policy, class T>
void check_closed_forms(unsigned mpfr_digits) {
  const WorstRatios worst = compare_with_closed_forms<Policy, T>(mpfr_digits);
  INFO(Policy::name << ": worst error / bound " << worst.value << " (f at " << worst.value_at << "), "
                    << worst.derivative << " (f' at " << worst.derivative_at << "), " << worst.second << " (f'' at "
                    << worst.second_at << ")");
  CHECK(worst.non_finite == 0);
  CHECK(worst.value <= 1);
  CHECK(worst.derivative <= 1);
  CHECK(worst.second <= 1);
}

}  // namespace

TEMPLATE_TEST_CASE("activation values match closed forms over [-800, 800]", "[activation]", double, float128,
                   mpfr_real) {
  using T = TestType;
  check_closed_forms<Sigmoid, T>(deepadmm::testing::kMpfrTestDigits);
  check_closed_forms<Tanh, T>(deepadmm::testing::kMpfrTestDigits);
}

TEST_CASE("activation policies at 100 digits match closed forms", "[activation]") {
  // The policies evaluated in the reference precision itself, so that a formula error
  // smaller than double's rounding would still show.
  check_closed_forms<Sigmoid, mpfr_real>(kReferenceDigits);
  check_closed_forms<Tanh, mpfr_real>(kReferenceDigits);
}

TEMPLATE_TEST_CASE("activation tails stay finite and in range", "[activation]", double, float128, mpfr_real) {
  using T = TestType;
  deepadmm::testing::ScalarSetup<T> setup;
  const T u = deepadmm::unit_roundoff<T>();
  using std::abs;

  int non_finite = 0;
  int out_of_range = 0;
  int negative_slope = 0;
  T worst_symmetry(0);
  std::string first_problem;
  for (const auto& point : comparison_grid()) {
    const T z = grid_value<T>(point);
    const T minus_z = -z;
    for (int which = 0; which < 2; ++which) {
      const bool sigmoid = which == 0;
      const T value = sigmoid ? Sigmoid::value(z) : Tanh::value(z);
      const T mirrored = sigmoid ? Sigmoid::value(minus_z) : Tanh::value(minus_z);
      const T derivative = sigmoid ? Sigmoid::derivative(z) : Tanh::derivative(z);
      const T second = sigmoid ? Sigmoid::second_derivative(z) : Tanh::second_derivative(z);
      const std::string where = std::string(sigmoid ? "sigmoid" : "tanh") + " at " + describe(point);
      if (!deepadmm::is_finite(value) || !deepadmm::is_finite(derivative) || !deepadmm::is_finite(second)) {
        ++non_finite;
        if (first_problem.empty()) first_problem = "non-finite " + where;
        continue;
      }
      const T lower = sigmoid ? T(0) : T(-1);
      if (value < lower || value > 1) {
        ++out_of_range;
        if (first_problem.empty()) first_problem = "out of range " + where;
      }
      if (derivative < 0) {
        ++negative_slope;
        if (first_problem.empty()) first_problem = "negative f' " + where;
      }
      // sigmoid: f(z) + f(-z) = 1; tanh: f(z) + f(-z) = 0. Each value has relative
      // error at most 6u (sigmoid) or 4u (tanh), and the values are at most 1 in
      // magnitude, so the sum is off by at most 13u; 16u is the bound.
      const T symmetry = sigmoid ? T(abs(T(value + mirrored - 1))) : T(abs(T(value + mirrored)));
      if (symmetry > worst_symmetry) worst_symmetry = symmetry;
    }
  }
  INFO("first problem: " << first_problem);
  CHECK(non_finite == 0);
  CHECK(out_of_range == 0);
  CHECK(negative_slope == 0);
  INFO("worst symmetry defect |f(z) + f(-z) - (1 for sigmoid, 0 for tanh)| = " << deepadmm::to_double(worst_symmetry));
  CHECK(worst_symmetry <= 16 * u);
}

namespace {

// Checks f' and f'' against central differences of f and f' at 100 digits with step
// h = 1e-30, on z = k/4 in [-40, 40]. A central difference of g differs from g' by at
// most h^2/6 sup|g'''| (truncation), plus 16 u sup|g| / h (rounding of g), plus
// u |z| sup|g'| / h (rounding of z +- h). For these activations sup|f'''| is 1/8
// (sigmoid) and 2 (tanh), sup|f''''| about 0.128 and 4.09 (found with mpmath at 40
// digits), and |f|, |f'|, |f''| <= 1. With the bounds 2 and 5 for both activations and
// |z| <= 40 the error is below 2e-60.
template <class Policy>
void check_finite_differences() {
  MpfrDigits digits(kReferenceDigits);
  const mpfr_real u = deepadmm::unit_roundoff<mpfr_real>();
  const mpfr_real h("1e-30");
  const mpfr_real rounding = (16 + 40) * u / h;
  const mpfr_real derivative_tolerance = h * h / 6 * 2 + rounding;
  const mpfr_real second_tolerance = h * h / 6 * 5 + rounding;

  using boost::multiprecision::abs;
  mpfr_real worst_derivative(0);
  mpfr_real worst_second(0);
  for (long k = -160; k <= 160; ++k) {
    const mpfr_real z = mpfr_real(k) / 4;
    const mpfr_real up = z + h;
    const mpfr_real down = z - h;
    const mpfr_real difference = (Policy::value(up) - Policy::value(down)) / (2 * h);
    const mpfr_real second_difference = (Policy::derivative(up) - Policy::derivative(down)) / (2 * h);
    worst_derivative = std::max(worst_derivative, mpfr_real(abs(mpfr_real(difference - Policy::derivative(z)))));
    worst_second = std::max(worst_second, mpfr_real(abs(mpfr_real(second_difference - Policy::second_derivative(z)))));
  }
  INFO(Policy::name << ": worst |difference quotient - f'| " << deepadmm::to_double(worst_derivative)
                    << ", worst for f'' " << deepadmm::to_double(worst_second) << ", tolerances "
                    << deepadmm::to_double(derivative_tolerance) << ", " << deepadmm::to_double(second_tolerance));
  CHECK(worst_derivative <= derivative_tolerance);
  CHECK(worst_second <= second_tolerance);
}

// Largest |g| over a grid of step 1/1024 on [-20, 20], refined by golden-section search
// around the best sample. Outside [-20, 20] both |f'| and |f''| are below 4 e^{-20},
// far under their maxima. Returns the maximum and where it was found.
template <class Function>
std::pair<mpfr_real, mpfr_real> search_maximum(Function g) {
  using boost::multiprecision::abs;
  const mpfr_real spacing = mpfr_real(1) / 1024;
  mpfr_real best_z(-20);
  mpfr_real best(0);
  for (long k = -20 * 1024; k <= 20 * 1024; ++k) {
    const mpfr_real z = mpfr_real(k) * spacing;
    const mpfr_real value = abs(g(z));
    if (value > best) {
      best = value;
      best_z = z;
    }
  }
  using boost::multiprecision::sqrt;
  const mpfr_real ratio = (sqrt(mpfr_real(5)) - 1) / 2;
  mpfr_real low = best_z - spacing;
  mpfr_real high = best_z + spacing;
  // 150 steps shrink the bracket by 0.618^150, to below 1e-33.
  for (int iteration = 0; iteration < 150; ++iteration) {
    const mpfr_real left = high - ratio * (high - low);
    const mpfr_real right = low + ratio * (high - low);
    if (abs(g(left)) >= abs(g(right)))
      high = right;
    else
      low = left;
  }
  const mpfr_real z = (low + high) / 2;
  return {mpfr_real(abs(g(z))), z};
}

// Checks one declared supremum and its argument against the search, in 50 digits.
// `g` is f' or f'', `g_prime` its derivative, `g_second` the derivative after that.
// `slope_tolerance` bounds the error of g_prime, whose value at the maximiser is 0.
template <class G, class GPrime, class GSecond>
void check_supremum(const char* label, const mpfr_real& declared, const mpfr_real& declared_argument, G g,
                    GPrime g_prime, GSecond g_second, const mpfr_real& slope_tolerance) {
  using boost::multiprecision::abs;
  using boost::multiprecision::sqrt;
  const mpfr_real u = deepadmm::unit_roundoff<mpfr_real>();
  const auto [found, found_argument] = search_maximum(g);
  // Values of f' and f'' are within 16u relative (see ErrorFactors; at a maximum of
  // |f''| the slope term f' is below 4 |f''| for both activations, so 64u covers the
  // sigmoid's mixed bound). The declared constant is a few correctly rounded operations
  // (under 4u).
  const mpfr_real value_error = 64 * u * declared;
  const mpfr_real value_tolerance = value_error + 4 * u * declared;
  // Near its maximum |g| falls like |g''| (z - z*)^2 / 2, so the search cannot tell
  // points apart once that drop is below two value errors: it ends within
  // sqrt(4 value_error / |g''(z*)|) of the maximiser. Twice that is the bound.
  const mpfr_real curvature = abs(g_second(declared_argument));
  const mpfr_real argument_tolerance = 2 * sqrt(mpfr_real(4 * value_error / curvature));

  INFO(label << ": declared " << deepadmm::to_double(declared) << " at " << deepadmm::to_double(declared_argument)
             << "; search found " << deepadmm::to_double(found) << " at " << deepadmm::to_double(found_argument)
             << "; slope at the declared point " << deepadmm::to_double(g_prime(declared_argument)));
  CHECK(abs(mpfr_real(found - declared)) <= value_tolerance);
  CHECK(abs(mpfr_real(abs(g(declared_argument)) - declared)) <= value_tolerance);
  CHECK(abs(g_prime(declared_argument)) <= slope_tolerance);
  // The maximiser of |f''| has a mirror image at -z* for both activations.
  CHECK(abs(mpfr_real(abs(found_argument) - abs(declared_argument))) <= argument_tolerance);
}

// Step of the central difference in third_derivative. Its error is at most
// h^2/6 sup|f^(5)| + 16 u sup|f''| / h + u |z| sup|f'''| / h, with sup|f^(5)| = 16
// (tanh, at 0; 1/4 for the sigmoid), sup|f''| <= 1, sup|f'''| <= 2 and |z| <= 2 where it
// is used: at 50 digits below 3e-40 + 1.7e-29 + 4e-30.
const char* const kThirdDerivativeStep = "1e-20";

template <class Policy>
mpfr_real third_derivative(const mpfr_real& z) {
  const mpfr_real h(kThirdDerivativeStep);
  return (Policy::second_derivative(mpfr_real(z + h)) - Policy::second_derivative(mpfr_real(z - h))) / (2 * h);
}

// Second difference of f'' with step 1e-12. Only the curvature estimate in
// check_supremum uses it, where a relative error of 1e-20 is harmless.
template <class Policy>
mpfr_real fourth_derivative(const mpfr_real& z) {
  const mpfr_real h("1e-12");
  return (Policy::second_derivative(mpfr_real(z + h)) - 2 * Policy::second_derivative(z) +
          Policy::second_derivative(mpfr_real(z - h))) /
         (h * h);
}

template <class Policy>
void check_declared_constants() {
  MpfrDigits digits(deepadmm::testing::kMpfrTestDigits);
  using boost::multiprecision::abs;
  const mpfr_real u = deepadmm::unit_roundoff<mpfr_real>();
  const auto c = Policy::template constants<mpfr_real>();
  INFO(Policy::name);
  CHECK(c.smooth);
  CHECK(c.sup_abs_value == std::max(mpfr_real(abs(c.range_lower)), mpfr_real(abs(c.range_upper))));

  // Sampled values stay inside the declared range.
  int outside = 0;
  for (long k = -800 * 16; k <= 800 * 16; ++k) {
    const mpfr_real value = Policy::value(mpfr_real(mpfr_real(k) / 16));
    if (value < c.range_lower || value > c.range_upper) ++outside;
  }
  CHECK(outside == 0);

  check_supremum(
      "sup|f'|", c.sup_abs_derivative, c.argsup_derivative,
      [](const mpfr_real& z) { return Policy::derivative(z); },
      [](const mpfr_real& z) { return Policy::second_derivative(z); },
      [](const mpfr_real& z) { return third_derivative<Policy>(z); },
      // f'' at the maximiser of f' has the error bound 16 u (|f''| + f') of ErrorFactors.
      mpfr_real(16 * u * (c.sup_abs_second + c.sup_abs_derivative)));
  const mpfr_real h(kThirdDerivativeStep);
  check_supremum(
      "sup|f''|", c.sup_abs_second, c.argsup_second,
      [](const mpfr_real& z) { return Policy::second_derivative(z); },
      [](const mpfr_real& z) { return third_derivative<Policy>(z); },
      [](const mpfr_real& z) { return fourth_derivative<Policy>(z); },
      // The error of third_derivative, as stated at kThirdDerivativeStep.
      mpfr_real(h * h / 6 * 16 + (16 + 4) * u / h));
}

// Exact values of the declared constants, derived independently of the policies:
//   sigmoid: f'' = f'(1 - 2f) is extreme where f = (3 +- sqrt 3)/6, so f' = 1/6,
//            |1 - 2f| = 1/sqrt 3, |f''| = sqrt(3)/18 at z = ln((3 + sqrt 3)/(3 - sqrt 3))
//            = ln(2 + sqrt 3); f' peaks at z = 0 with 1/4.
//   tanh:    |f''| = 2t(1 - t^2) with t = tanh z is extreme at t = 1/sqrt 3, with
//            4/(3 sqrt 3) at z = atanh(1/sqrt 3) = ln(2 + sqrt 3)/2; f' peaks at 0 with 1.
// Order: range_lower, range_upper, sup_abs_value, sup_abs_derivative, argsup_derivative,
// sup_abs_second, argsup_second.
template <class Policy>
std::vector<mpfr_real> exact_constants() {
  using boost::multiprecision::log;
  using boost::multiprecision::sqrt;
  const mpfr_real root3 = sqrt(mpfr_real(3));
  if constexpr (std::is_same_v<Policy, Sigmoid>)
    return {mpfr_real(0), mpfr_real(1), mpfr_real(1), mpfr_real(1) / 4, mpfr_real(0), root3 / 18, log(2 + root3)};
  else
    return {mpfr_real(-1), mpfr_real(1), mpfr_real(1), mpfr_real(1), mpfr_real(0), 4 / (3 * root3), log(2 + root3) / 2};
}

// Checks that the constants in T are the exact constants rounded to T. This fails when
// a constant passes through a double literal in float128 or mpfr_real.
template <class Policy, class T>
void check_constants_rounded_from_reference() {
  std::vector<std::string> texts;
  std::string u_text;
  {
    MpfrDigits digits(deepadmm::testing::kMpfrTestDigits);
    const auto c = Policy::template constants<T>();
    for (const T* field : {&c.range_lower, &c.range_upper, &c.sup_abs_value, &c.sup_abs_derivative,
                           &c.argsup_derivative, &c.sup_abs_second, &c.argsup_second})
      texts.push_back(exact_text(*field));
    u_text = exact_text(deepadmm::unit_roundoff<T>());
  }
  MpfrDigits digits(kReferenceDigits);
  const std::vector<mpfr_real> exact = exact_constants<Policy>();
  const mpfr_real u(u_text);
  const char* const names[] = {"range_lower",       "range_upper",    "sup_abs_value", "sup_abs_derivative",
                               "argsup_derivative", "sup_abs_second", "argsup_second"};
  for (std::size_t index = 0; index < exact.size(); ++index) {
    using boost::multiprecision::abs;
    INFO(Policy::name << " " << names[index] << " = " << texts[index]);
    // A constant is at most 4 correctly rounded operations in T (sqrt, log, a sum, a
    // quotient), so it is within 4u of the exact value, and exact when it is 0.
    CHECK(abs(mpfr_real(mpfr_real(texts[index]) - exact[index])) <= 4 * u * abs(exact[index]));
  }
}

}  // namespace

TEST_CASE("activation derivatives match finite differences", "[activation]") {
  check_finite_differences<Sigmoid>();
  check_finite_differences<Tanh>();
}

TEST_CASE("declared activation constants match a dense search", "[activation]") {
  check_declared_constants<Sigmoid>();
  check_declared_constants<Tanh>();
}

TEMPLATE_TEST_CASE("activation constants are exact in each scalar type", "[activation]", double, float128,
                   mpfr_real) {
  check_constants_rounded_from_reference<Sigmoid, TestType>();
  check_constants_rounded_from_reference<Tanh, TestType>();
}
