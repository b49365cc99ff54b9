// Error function f(z) = erf(z) = (2/sqrt pi) int_0^z e^{-t^2} dt.
#pragma once

#include "../activation.hpp"
#include "special_functions.hpp"

namespace deepadmm::activations {

struct Erf {
  static constexpr const char* name = "erf";

  template <class T>
  static T value(const T& z) {
    return detail::erf_of(z);
  }

  // f'(z) = (2/sqrt pi) e^{-z^2}. The rounding of z^2 changes e^{-z^2} by a relative
  // z^2 u, the conditioning of exp at -z^2, and for |z| > 27 the value underflows double.
  template <class T>
  static T derivative(const T& z) {
    using std::exp;
    using std::sqrt;
    return 2 * exp(T(-(z * z))) / sqrt(detail::pi<T>());
  }

  // f''(z) = -2z f'(z).
  template <class T>
  static T second_derivative(const T& z) {
    return -2 * z * derivative(z);
  }

  // f maps onto (-1, 1). f' peaks at 0 with 2/sqrt pi. f''' = (4z^2 - 2) f' vanishes at
  // z = -+1/sqrt 2, where |f''| = sqrt 2 (2/sqrt pi) e^{-1/2} = 2 sqrt(2/pi) e^{-1/2}.
  template <class T>
  static ActivationConstants<T> constants() {
    using std::exp;
    using std::sqrt;
    const T pi = detail::pi<T>();
    ActivationConstants<T> c;
    c.range_lower = T(-1);
    c.range_upper = T(1);
    c.sup_abs_value = T(1);
    c.sup_abs_derivative = 2 / sqrt(pi);
    c.argsup_derivative = T(0);
    c.sup_abs_second = 2 * sqrt(T(2) / pi) * exp(T(-1) / 2);
    c.argsup_second = 1 / sqrt(T(2));
    c.smooth = true;
    return c;
  }
};

}  // namespace deepadmm::activations
