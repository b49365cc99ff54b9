// Arctangent f(z) = atan(z).
#pragma once

#include "../activation.hpp"
#include "special_functions.hpp"

namespace deepadmm::activations {

struct Arctan {
  static constexpr const char* name = "arctan";

  template <class T>
  static T value(const T& z) {
    using std::atan;
    return atan(z);
  }

  // f'(z) = 1/(1 + z^2). For |z| beyond sqrt(max) z^2 overflows to infinity and f' to 0,
  // which is the correctly rounded result there.
  template <class T>
  static T derivative(const T& z) {
    return 1 / (1 + z * z);
  }

  // f''(z) = -2z/(1 + z^2)^2.
  template <class T>
  static T second_derivative(const T& z) {
    const T d = 1 + z * z;
    return -2 * z / d / d;
  }

  // f maps onto (-pi/2, pi/2), approached as z -> -+infinity. f' peaks at 0 with 1.
  // f''' = (6z^2 - 2)/(1 + z^2)^3 vanishes at z = -+1/sqrt 3, where
  // |f''| = (2/sqrt 3)/(4/3)^2 = 3 sqrt(3)/8.
  template <class T>
  static ActivationConstants<T> constants() {
    using std::sqrt;
    const T half_pi = detail::pi<T>() / 2;
    ActivationConstants<T> c;
    c.range_lower = -half_pi;
    c.range_upper = half_pi;
    c.sup_abs_value = half_pi;
    c.sup_abs_derivative = T(1);
    c.argsup_derivative = T(0);
    c.sup_abs_second = 3 * sqrt(T(3)) / 8;
    c.argsup_second = 1 / sqrt(T(3));
    c.smooth = true;
    return c;
  }
};

}  // namespace deepadmm::activations
