// Special functions and a Newton iteration in any of the solver's scalar types, for the
// activation policies.
#pragma once

#include "../scalar.hpp"

#include <quadmath.h>

#include <cmath>
#include <limits>

namespace deepadmm::activations::detail {

// Boost 1.74 declares erf, erfc and log1p for float128 with expression templates off, but
// their bodies do not compile, so float128 calls libquadmath directly.
template <class T>
T erf_of(const T& x) {
  if constexpr (std::is_same_v<T, float128>) {
    return T(erfq(x.backend().value()));
  } else {
    using std::erf;
    return erf(x);
  }
}

template <class T>
T erfc_of(const T& x) {
  if constexpr (std::is_same_v<T, float128>) {
    return T(erfcq(x.backend().value()));
  } else {
    using std::erfc;
    return erfc(x);
  }
}

template <class T>
T log1p_of(const T& x) {
  if constexpr (std::is_same_v<T, float128>) {
    return T(log1pq(x.backend().value()));
  } else {
    using std::log1p;
    return log1p(x);
  }
}

// pi in T: atan(1) is correctly rounded in MPFR and within an ulp in double and float128,
// and the factor 4 is exact.
template <class T>
T pi() {
  using std::atan;
  return 4 * atan(T(1));
}

// Root of g near `start` by Newton's method in T. Stops when a step no longer shrinks,
// which happens once the steps reach the rounding level of g, so the result is as
// accurate as g and its derivative `slope` allow in T at any MPFR precision. The start
// must lie in the root's basin of quadratic convergence.
template <class T, class Function, class Slope>
T newton_root(Function g, Slope slope, T z) {
  using std::abs;
  T previous_step = std::numeric_limits<T>::infinity();
  for (int iteration = 0; iteration < 200; ++iteration) {
    const T step = g(z) / slope(z);
    z -= step;
    const T size = abs(step);
    if (size == 0 || size >= previous_step) break;
    previous_step = size;
  }
  return z;
}

}  // namespace deepadmm::activations::detail
