// Every registered activation: values and derivatives against 100-digit closed forms over
// [-800, 800] in each scalar type, derivatives against central differences, and each
// declared constant against a dense search with refinement and the limits at -+infinity.
#include "test_support.hpp"

#include "solver/activations/registry.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

using deepadmm::ActivationConstants;
using deepadmm::ActivationList;
using deepadmm::float128;
using deepadmm::mpfr_real;
using deepadmm::testing::MpfrDigits;
namespace act = deepadmm::activations;

namespace {

constexpr unsigned kReferenceDigits = 100;

// Calls body.template operator()<Policy>() for every registered policy.
template <class Body, class... Policies>
void for_each_policy(Body body, ActivationList<Policies...>) {
  (body.template operator()<Policies>(), ...);
}

template <class Body>
void for_each_registered(Body body) {
  for_each_policy(body, deepadmm::RegisteredActivations{});
}

// Reference values at 100 digits and the magnitudes the rounding errors scale with.
// A magnitude is the sum of the absolute values of the terms a policy's formula adds,
// times 1 + |a| for every exp or erfc whose argument a is itself rounded, since a relative
// error u in a changes exp(a) by a relative |a| u. Where no term cancels it is |value|.
struct Reference {
  mpfr_real value, derivative, second;
  mpfr_real value_scale, derivative_scale, second_scale;
};

// Closed forms written independently of the policies (no shared helper, different
// formulas where a different one exists).
template <class Policy>
Reference closed_form(const mpfr_real& z) {
  using boost::multiprecision::abs;
  using boost::multiprecision::atan;
  using boost::multiprecision::cosh;
  using boost::multiprecision::erf;
  using boost::multiprecision::erfc;
  using boost::multiprecision::exp;
  using boost::multiprecision::log;
  using boost::multiprecision::sinh;
  using boost::multiprecision::sqrt;
  const mpfr_real pi = boost::math::constants::pi<mpfr_real>();
  const mpfr_real z2 = z * z;
  Reference r;
  if constexpr (std::is_same_v<Policy, act::Sigmoid>) {
    const mpfr_real c = cosh(mpfr_real(z / 2));
    r.value = 1 / (1 + exp(mpfr_real(-z)));
    r.derivative = 1 / (4 * c * c);
    r.second = -sinh(mpfr_real(z / 2)) / (4 * c * c * c);
    r.value_scale = abs(r.value);
    r.derivative_scale = abs(r.derivative);
    r.second_scale = abs(r.second) + abs(r.derivative);  // f'(f(-z) - f(z)) cancels near 0
  } else if constexpr (std::is_same_v<Policy, act::Tanh>) {
    const mpfr_real c = cosh(z);
    r.value = sinh(z) / c;
    r.derivative = 1 / (c * c);
    r.second = -2 * sinh(z) / (c * c * c);
    r.value_scale = abs(r.value);
    r.derivative_scale = abs(r.derivative);
    r.second_scale = abs(r.second);
  } else if constexpr (std::is_same_v<Policy, act::Arctan> || std::is_same_v<Policy, act::ArctanScaled>) {
    const mpfr_real factor = std::is_same_v<Policy, act::Arctan> ? mpfr_real(1) : mpfr_real(2 / pi);
    r.value = factor * atan(z);
    r.derivative = factor / (1 + z2);
    r.second = -2 * factor * z / ((1 + z2) * (1 + z2));
    r.value_scale = abs(r.value);
    r.derivative_scale = abs(r.derivative);
    r.second_scale = abs(r.second);
  } else if constexpr (std::is_same_v<Policy, act::Erf>) {
    const mpfr_real density = 2 / sqrt(pi) * exp(mpfr_real(-z2));
    r.value = erf(z);
    r.derivative = density;
    r.second = -2 * z * density;
    r.value_scale = abs(r.value);
    r.derivative_scale = density * (1 + z2);
    r.second_scale = abs(r.second) * (1 + z2);
  } else if constexpr (std::is_same_v<Policy, act::Softsign>) {
    const mpfr_real d = 1 + abs(z);
    r.value = z / d;
    r.derivative = 1 / (d * d);
    r.second = z == 0 ? mpfr_real(0) : mpfr_real(-2 * (z > 0 ? 1 : -1) / (d * d * d));
    r.value_scale = abs(r.value);
    r.derivative_scale = abs(r.derivative);
    r.second_scale = abs(r.second);
  } else if constexpr (std::is_same_v<Policy, act::Softplus>) {
    // log1p keeps the left tail: at z = -800, 1 + e^z rounds to 1 even at 100 digits.
    const mpfr_real c = cosh(mpfr_real(z / 2));
    r.value = z > 0 ? mpfr_real(z + log1p(mpfr_real(exp(mpfr_real(-z))))) : mpfr_real(log1p(mpfr_real(exp(z))));
    r.derivative = 1 / (1 + exp(mpfr_real(-z)));
    r.second = 1 / (4 * c * c);
    r.value_scale = abs(r.value);
    r.derivative_scale = abs(r.derivative);
    r.second_scale = abs(r.second);
  } else if constexpr (std::is_same_v<Policy, act::Silu>) {
    // f = z s, f' = s + z s s~, f'' = s s~ (2 + z (s~ - s)), s = 1/(1 + e^{-z}) and
    // s~ = 1 - s = 1/(1 + e^z), computed directly: 1 - s cancels for large z even at 100 digits.
    const mpfr_real s = 1 / (1 + exp(mpfr_real(-z)));
    const mpfr_real s_minus = 1 / (1 + exp(z));
    const mpfr_real slope = s * s_minus;
    r.value = z * s;
    r.derivative = s + z * slope;
    r.second = slope * (2 + z * (s_minus - s));
    r.value_scale = abs(r.value);
    r.derivative_scale = s + abs(z) * slope;
    r.second_scale = slope * (2 + abs(z));
  } else if constexpr (std::is_same_v<Policy, act::Gelu>) {
    // Phi(z) = (1 + erf(z/sqrt 2))/2 for z >= 0. For z < 0 that sum cancels, so the left
    // half uses erfc(-z/sqrt 2)/2 instead.
    const mpfr_real cdf = z < 0 ? mpfr_real(erfc(mpfr_real(-z / sqrt(mpfr_real(2)))) / 2)
                                : mpfr_real((1 + erf(mpfr_real(z / sqrt(mpfr_real(2))))) / 2);
    const mpfr_real density = exp(mpfr_real(-z2 / 2)) / sqrt(2 * pi);
    r.value = z * cdf;
    r.derivative = cdf + z * density;
    r.second = density * (2 - z2);
    r.value_scale = abs(r.value) * (1 + z2);
    r.derivative_scale = (cdf + abs(z) * density) * (1 + z2);
    r.second_scale = density * (2 + z2) * (1 + z2);
  } else if constexpr (std::is_same_v<Policy, act::Relu>) {
    r.value = z > 0 ? z : mpfr_real(0);
    r.derivative = z > 0 ? mpfr_real(1) : mpfr_real(0);
    r.second = mpfr_real(0);
    r.value_scale = abs(r.value);
    r.derivative_scale = abs(r.derivative);
    r.second_scale = mpfr_real(0);
  } else if constexpr (std::is_same_v<Policy, act::LeakyRelu>) {
    r.value = z > 0 ? z : mpfr_real(z / 100);
    r.derivative = z > 0 ? mpfr_real(1) : mpfr_real(mpfr_real(1) / 100);
    r.second = mpfr_real(0);
    r.value_scale = abs(r.value);
    r.derivative_scale = abs(r.derivative);
    r.second_scale = mpfr_real(0);
  } else if constexpr (std::is_same_v<Policy, act::Isru>) {
    // At 100 digits 1 + z^2 is exact on the grid, so the direct forms serve as reference.
    const mpfr_real s = 1 + z2;
    r.value = z / sqrt(s);
    r.derivative = 1 / (s * sqrt(s));
    r.second = -3 * z / (s * s * sqrt(s));
    r.value_scale = abs(r.value);
    r.derivative_scale = abs(r.derivative);
    r.second_scale = abs(r.second);
  } else {
    static_assert(sizeof(Policy) == 0, "add the activation's closed forms to closed_form");
  }
  return r;
}

// Integers over [-800, 800], steps of 1/64 over [-10, 10], 0 and -+2^-30, -+2^-60.
std::vector<mpfr_real> grid_in_reference() {
  std::vector<mpfr_real> grid;
  for (long k = -800; k <= 800; ++k) grid.emplace_back(k);
  for (long k = -640; k <= 640; ++k)
    if (k % 64 != 0) grid.push_back(mpfr_real(k) / 64);
  for (int shift : {30, 60}) {
    mpfr_real tiny(1);
    for (int i = 0; i < shift; ++i) tiny /= 2;
    grid.push_back(tiny);
    grid.push_back(-tiny);
  }
  return grid;
}

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

// Relative rounding factor of every policy's f, f' and f'' against its scale above. The
// formulas use at most 3 calls of exp, erfc, log1p, atan or tanh, each within 4 ulp (8u),
// and at most 10 arithmetic operations (u each) in sequence, so 3 * 8 + 10 = 34 -> 64.
// NOTE: the 4 ulp is the largest error that glibc's libm-test-ulps lists for these
// functions in double and float128, measured and not proven, and libquadmath is assumed
// to match glibc's float128 functions. MPFR rounds correctly.
constexpr int kRoundingFactor = 64;

template <class Policy, class T>
void check_against_closed_forms(unsigned mpfr_digits) {
  std::vector<std::string> grid_text;
  {
    MpfrDigits digits(kReferenceDigits);
    for (const auto& z : grid_in_reference()) grid_text.push_back(exact_text(z));
  }
  std::vector<std::string> computed[3];
  std::string u_text;
  std::string denorm_text;
  int non_finite = 0;
  {
    MpfrDigits digits(mpfr_digits);
    for (const auto& text : grid_text) {
      const T z = deepadmm::parse_scalar<T>(text);
      const T values[3] = {Policy::value(z), Policy::derivative(z), Policy::second_derivative(z)};
      for (int order = 0; order < 3; ++order) {
        if (!deepadmm::is_finite(values[order])) ++non_finite;
        computed[order].push_back(deepadmm::is_finite(values[order]) ? exact_text(values[order]) : "0");
      }
    }
    u_text = exact_text(deepadmm::unit_roundoff<T>());
    if constexpr (deepadmm::testing::is_mpfr<T>)
      denorm_text = "0";
    else
      denorm_text = exact_text(T(std::numeric_limits<T>::denorm_min()));
  }

  MpfrDigits digits(kReferenceDigits);
  using boost::multiprecision::abs;
  const mpfr_real u(u_text);
  const mpfr_real denorm_min(denorm_text);
  const mpfr_real u_reference = deepadmm::unit_roundoff<mpfr_real>();
  const auto grid = grid_in_reference();
  double worst[3] = {0, 0, 0};
  std::string worst_at[3];
  for (std::size_t k = 0; k < grid.size(); ++k) {
    const mpfr_real& z = grid[k];
    const Reference r = closed_form<Policy>(z);
    // Gradual underflow rounds each operation by at most half a denormal spacing, and
    // values below it flush to 0 (exp(-z^2) underflows double beyond |z| = 27 and float128
    // beyond |z| = 106). A later factor z or z^2 - 2 scales that error by at most 1 + z^2,
    // so 8 (1 + z^2) spacings bound it. MPFR's exponent range covers [-800, 800].
    const mpfr_real underflow = deepadmm::testing::is_mpfr<T> ? mpfr_real(0) : mpfr_real(8 * (1 + z * z) * denorm_min);
    const mpfr_real expected[3] = {r.value, r.derivative, r.second};
    const mpfr_real scale[3] = {r.value_scale, r.derivative_scale, r.second_scale};
    for (int order = 0; order < 3; ++order) {
      // The closed form itself is within 5 u_reference (a few correctly rounded operations;
      // the erfc/erf switch keeps the GELU reference free of cancellation).
      const mpfr_real bound = kRoundingFactor * u * scale[order] + 5 * u_reference * abs(expected[order]) + underflow;
      const mpfr_real error = abs(mpfr_real(mpfr_real(computed[order][k]) - expected[order]));
      const double ratio = bound > 0 ? static_cast<double>(error / bound) : (error > 0 ? 1e300 : 0.0);
      if (ratio > worst[order]) {
        worst[order] = ratio;
        worst_at[order] = deepadmm::to_exact_string(z);
      }
    }
  }
  INFO(Policy::name << " in " << deepadmm::scalar_name<T>() << ": worst error / bound " << worst[0] << " (f at "
                    << worst_at[0] << "), " << worst[1] << " (f' at " << worst_at[1] << "), " << worst[2]
                    << " (f'' at " << worst_at[2] << ")");
  CHECK(non_finite == 0);
  CHECK(worst[0] <= 1);
  CHECK(worst[1] <= 1);
  CHECK(worst[2] <= 1);
}

}  // namespace

TEMPLATE_TEST_CASE("registered activations match closed forms", "[activation]", double, float128, mpfr_real) {
  for_each_registered([]<class Policy>() {
    check_against_closed_forms<Policy, TestType>(deepadmm::testing::kMpfrTestDigits);
  });
}

TEST_CASE("registered activations at 100 digits", "[activation]") {
  for_each_registered([]<class Policy>() { check_against_closed_forms<Policy, mpfr_real>(kReferenceDigits); });
}

TEST_CASE("registered derivatives match differences", "[activation]") {
  // Central differences of f and f' at 100 digits with step h = 1e-30 on z = k/4 in
  // [-40, 40]. The difference of g differs from g' by at most h^2/6 sup|g'''| plus the
  // rounding 16 u sup|g| / h + u |z| sup|g'| / h. Every registered activation has
  // |f'''|, |f''''| <= 24 away from its kink: softsign's f'''' = -24 sign(z)/(1 + |z|)^5
  // reaches 24 next to 0, arctan's 24 z (1 - z^2)/(1 + z^2)^4 and erf's
  // (2/sqrt pi)(12 z - 8 z^3) e^{-z^2} stay below 8, and tanh's below 5. On the grid
  // |f|, |f'|, |f''| <= 40, so with |z| <= 40 and u = 5e-100 the error is below
  // h^2/6 * 24 + (16 * 40 + 40 * 40) u / h < 5e-59. Points within h of the kink z = 0
  // of softsign, ReLU and leaky ReLU are left out, where f'' or f' jumps.
  for_each_registered([]<class Policy>() {
    MpfrDigits digits(kReferenceDigits);
    using boost::multiprecision::abs;
    const mpfr_real h("1e-30");
    const mpfr_real tolerance("5e-59");
    const bool kinked = !Policy::template constants<mpfr_real>().smooth;
    mpfr_real worst_derivative(0), worst_second(0);
    for (long k = -160; k <= 160; ++k) {
      if (kinked && k == 0) continue;
      const mpfr_real z = mpfr_real(k) / 4;
      const mpfr_real up = z + h;
      const mpfr_real down = z - h;
      const mpfr_real derivative = (Policy::value(up) - Policy::value(down)) / (2 * h);
      const mpfr_real second = (Policy::derivative(up) - Policy::derivative(down)) / (2 * h);
      worst_derivative = std::max(worst_derivative, mpfr_real(abs(mpfr_real(derivative - Policy::derivative(z)))));
      worst_second = std::max(worst_second, mpfr_real(abs(mpfr_real(second - Policy::second_derivative(z)))));
    }
    INFO(Policy::name << ": worst |difference - f'| " << deepadmm::to_double(worst_derivative) << ", for f'' "
                      << deepadmm::to_double(worst_second));
    CHECK(worst_derivative <= tolerance);
    CHECK(worst_second <= tolerance);
  });
}

namespace {

// Step of the one-sided limits at the kink z = 0 and of the "infinite" limits: the
// search evaluates g at -+kTiny and at -+kHuge as well as on its grid.
const char* const kTiny = "1e-60";
const char* const kHuge = "1e60";

// A maximum of g and where it was found.
struct Extremum {
  mpfr_real value;
  mpfr_real at;
};

// Largest g over z = k/256 on [-40, 40], over -+kTiny and -+kHuge, and at each sampled
// local maximum refined by bisection on the sign of g' (the root of g' in the bracket of
// the neighbouring samples, to 2^-130 of its width).
template <class G, class GPrime>
Extremum search_maximum(G g, GPrime g_prime) {
  const mpfr_real spacing = mpfr_real(1) / 256;
  std::vector<mpfr_real> samples;
  for (long k = -40 * 256; k <= 40 * 256; ++k) samples.push_back(g(mpfr_real(mpfr_real(k) * spacing)));
  Extremum best{samples.front(), mpfr_real(-40)};
  auto consider = [&](const mpfr_real& z) {
    const mpfr_real value = g(z);
    if (value > best.value) best = {value, z};
  };
  for (const char* text : {kTiny, kHuge}) {
    consider(mpfr_real(text));
    consider(mpfr_real(-mpfr_real(text)));
  }
  for (std::size_t k = 0; k < samples.size(); ++k) {
    const mpfr_real z = mpfr_real(static_cast<long>(k) - 40 * 256) * spacing;
    if (samples[k] > best.value) best = {samples[k], z};
    if (k == 0 || k + 1 == samples.size()) continue;
    if (!(samples[k] > samples[k - 1] && samples[k] >= samples[k + 1])) continue;
    mpfr_real low = z - spacing;
    mpfr_real high = z + spacing;
    if (!(g_prime(low) > 0 && g_prime(high) < 0)) continue;
    for (int step = 0; step < 130; ++step) {
      const mpfr_real middle = (low + high) / 2;
      (g_prime(middle) > 0 ? low : high) = middle;
    }
    consider(mpfr_real((low + high) / 2));
  }
  return best;
}

// Mismatches between a declared supremum of |g| (with its argument) and the search, one
// sentence each; empty when they agree.
template <class G, class GPrime>
std::vector<std::string> compare_supremum(const std::string& label, const mpfr_real& declared,
                                          const mpfr_real& declared_at, G g, GPrime g_prime) {
  using boost::multiprecision::abs;
  using boost::multiprecision::isinf;
  std::vector<std::string> mismatches;
  const Extremum upper = search_maximum(g, g_prime);
  const Extremum lower = search_maximum([&](const mpfr_real& z) { return mpfr_real(-g(z)); },
                                        [&](const mpfr_real& z) { return mpfr_real(-g_prime(z)); });
  const Extremum found = upper.value >= lower.value ? upper : lower;
  const std::string found_text = deepadmm::to_exact_string(found.value) + " at " + deepadmm::to_exact_string(found.at);

  if (isinf(declared)) {
    // Unbounded: the search must see |g| grow past 1e30 by z = -+1e60.
    if (!(found.value > mpfr_real("1e30")))
      mismatches.push_back(label + " is declared infinite but the search found at most " + found_text);
    return mismatches;
  }
  // Values are within kRoundingFactor u of their scale, which near a maximiser z* is at
  // most (1 + z*^2) times the value (see Reference). At 50 digits that is far below any
  // error in a constant's derivation, and the bisection locates z* to 1e-40, so the
  // maximum itself moves by less than 1e-79.
  const mpfr_real u = deepadmm::unit_roundoff<mpfr_real>();
  const mpfr_real where = isinf(declared_at) ? mpfr_real(1) : declared_at;
  const mpfr_real tolerance = kRoundingFactor * u * (1 + where * where) * declared;
  if (abs(mpfr_real(found.value - declared)) > tolerance)
    mismatches.push_back(label + " is declared " + deepadmm::to_exact_string(declared) + " but the search found " +
                         found_text);

  // The declared argument attains it, directly or as a one-sided or infinite limit.
  mpfr_real attained(0);
  if (isinf(declared_at)) {
    attained = abs(g(mpfr_real(declared_at > 0 ? mpfr_real(kHuge) : mpfr_real(-mpfr_real(kHuge)))));
  } else {
    const mpfr_real tiny(kTiny);
    for (const mpfr_real& z : {declared_at, mpfr_real(declared_at + tiny), mpfr_real(declared_at - tiny)})
      attained = std::max(attained, mpfr_real(abs(g(z))));
  }
  if (abs(mpfr_real(attained - declared)) > tolerance)
    mismatches.push_back(label + " is declared at " + deepadmm::to_exact_string(declared_at) + " but |g| there is " +
                         deepadmm::to_exact_string(attained));
  return mismatches;
}

// Central difference of f'' with step 1e-20 at 50 digits: error below 1e-29, which only
// moves the bisection's root, not the refined maximum.
template <class Policy>
mpfr_real third_derivative(const mpfr_real& z) {
  const mpfr_real h("1e-20");
  return (Policy::second_derivative(mpfr_real(z + h)) - Policy::second_derivative(mpfr_real(z - h))) / (2 * h);
}

// Every mismatch between the constants `c` and a search over the policy's own functions,
// at kMpfrTestDigits.
template <class Policy>
std::vector<std::string> constant_mismatches(const ActivationConstants<mpfr_real>& c) {
  using boost::multiprecision::abs;
  using boost::multiprecision::isinf;
  auto f = [](const mpfr_real& z) { return Policy::value(z); };
  auto df = [](const mpfr_real& z) { return Policy::derivative(z); };
  auto d2f = [](const mpfr_real& z) { return Policy::second_derivative(z); };
  auto d3f = [](const mpfr_real& z) { return third_derivative<Policy>(z); };
  std::vector<std::string> mismatches;

  // Range: sup f and inf f, the latter as -sup(-f).
  auto check_end = [&](const std::string& label, const mpfr_real& declared, const Extremum& found) {
    if (isinf(declared)) {
      if (!(found.value > mpfr_real("1e30")))
        mismatches.push_back(label + " is declared infinite but the search found " +
                             deepadmm::to_exact_string(found.value));
      return;
    }
    const mpfr_real u = deepadmm::unit_roundoff<mpfr_real>();
    const mpfr_real tolerance = kRoundingFactor * u * (1 + found.at * found.at) * (1 + abs(declared));
    if (abs(mpfr_real(found.value - declared)) > tolerance)
      mismatches.push_back(label + " is declared " + deepadmm::to_exact_string(declared) + " but the search found " +
                           deepadmm::to_exact_string(found.value));
  };
  const Extremum top = search_maximum(f, df);
  const Extremum bottom = search_maximum([&](const mpfr_real& z) { return mpfr_real(-f(z)); },
                                         [&](const mpfr_real& z) { return mpfr_real(-df(z)); });
  check_end("sup f", c.range_upper, top);
  check_end("-inf f", mpfr_real(-c.range_lower), bottom);
  if (c.sup_abs_value != std::max(mpfr_real(abs(c.range_lower)), mpfr_real(abs(c.range_upper))))
    mismatches.push_back("sup|f| is not max(|inf f|, |sup f|)");

  for (const auto& m : compare_supremum("sup|f'|", c.sup_abs_derivative, c.argsup_derivative, df, d2f))
    mismatches.push_back(m);
  if (c.smooth) {
    for (const auto& m : compare_supremum("sup|f''|", c.sup_abs_second, c.argsup_second, d2f, d3f))
      mismatches.push_back(m);
  } else if (isinf(c.sup_abs_second)) {
    // f' jumps at argsup_second: its difference quotient across the jump grows like 1/h.
    const mpfr_real tiny(kTiny);
    const mpfr_real quotient =
        abs(mpfr_real(df(mpfr_real(c.argsup_second + tiny)) - df(mpfr_real(c.argsup_second - tiny)))) / (2 * tiny);
    if (!(quotient > mpfr_real("1e30")))
      mismatches.push_back("sup|f''| is declared infinite but f' has no jump at " +
                           deepadmm::to_exact_string(c.argsup_second));
  } else {
    // A C^1 activation with a kink in f'' (softsign): f' is Lipschitz with sup|f''| over
    // the smooth pieces, which the search reaches through the one-sided limits at 0.
    for (const auto& m : compare_supremum("sup|f''|", c.sup_abs_second, c.argsup_second, d2f, d3f))
      mismatches.push_back(m);
  }
  return mismatches;
}

}  // namespace

TEST_CASE("declared constants of registered activations", "[activation]") {
  for_each_registered([]<class Policy>() {
    MpfrDigits digits(deepadmm::testing::kMpfrTestDigits);
    const auto mismatches = constant_mismatches<Policy>(Policy::template constants<mpfr_real>());
    std::string text;
    for (const auto& m : mismatches) text += m + "; ";
    INFO(Policy::name << ": " << text);
    CHECK(mismatches.empty());
  });
}

TEST_CASE("constant search rejects a wrong constant", "[activation]") {
  // Each constant off by a relative 2^-100 (8e-31): far below any plausible derivation
  // slip, far above the search tolerance of 64 u (1 + z*^2) ~ 1e-48 at 50 digits.
  MpfrDigits digits(deepadmm::testing::kMpfrTestDigits);
  const mpfr_real nudge = 1 + boost::multiprecision::ldexp(mpfr_real(1), -100);
  auto c = act::Arctan::constants<mpfr_real>();
  c.sup_abs_second *= nudge;
  CHECK(constant_mismatches<act::Arctan>(c).size() >= 1);
  auto g = act::Gelu::constants<mpfr_real>();
  g.sup_abs_derivative *= nudge;
  CHECK(constant_mismatches<act::Gelu>(g).size() >= 1);
  auto s = act::Silu::constants<mpfr_real>();
  s.range_lower *= nudge;
  CHECK(constant_mismatches<act::Silu>(s).size() >= 1);
  auto r = act::Relu::constants<mpfr_real>();
  r.sup_abs_second = mpfr_real(1);
  r.smooth = true;
  CHECK(constant_mismatches<act::Relu>(r).size() >= 1);
}

TEMPLATE_TEST_CASE("constants are computed in the scalar type", "[activation]", double, float128, mpfr_real) {
  // Each constant in T against the same constant at 100 digits. A constant is at most 8
  // correctly rounded operations or library calls (8u each, as for kRoundingFactor), or a
  // Newton root accurate to a few u, and SiLU's z0 + 1 amplifies the error of z0 by
  // |z0|/|z0 + 1| < 5. So 64 u covers every constant. A decimal double literal in
  // float128 or MPFR code is off by about 1e-17 and fails.
  for_each_registered([]<class Policy>() {
    std::vector<std::string> texts;
    std::string u_text;
    {
      MpfrDigits digits(deepadmm::testing::kMpfrTestDigits);
      const auto c = Policy::template constants<TestType>();
      for (const TestType* field : {&c.range_lower, &c.range_upper, &c.sup_abs_value, &c.sup_abs_derivative,
                                    &c.argsup_derivative, &c.sup_abs_second, &c.argsup_second})
        texts.push_back(deepadmm::is_finite(*field) ? exact_text(*field) : (*field > 0 ? "inf" : "-inf"));
      u_text = exact_text(deepadmm::unit_roundoff<TestType>());
    }
    MpfrDigits digits(kReferenceDigits);
    const auto exact = Policy::template constants<mpfr_real>();
    const mpfr_real u(u_text);
    std::size_t index = 0;
    for (const mpfr_real* field : {&exact.range_lower, &exact.range_upper, &exact.sup_abs_value,
                                   &exact.sup_abs_derivative, &exact.argsup_derivative, &exact.sup_abs_second,
                                   &exact.argsup_second}) {
      using boost::multiprecision::abs;
      INFO(Policy::name << " constant " << index << " = " << texts[index]);
      if (!deepadmm::is_finite(*field)) {
        CHECK(texts[index] == (*field > 0 ? "inf" : "-inf"));
      } else {
        CHECK(abs(mpfr_real(mpfr_real(texts[index]) - *field)) <= 64 * u * abs(*field));
      }
      ++index;
    }
  });
}
