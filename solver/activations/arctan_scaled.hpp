// Scaled arctangent f(z) = (2/pi) atan(z), which maps onto (-1, 1) like tanh.
#pragma once

#include "../activation.hpp"
#include "special_functions.hpp"

namespace deepadmm::activations {

struct ArctanScaled {
  static constexpr const char* name = "arctan-scaled";

  template <class T>
  static T value(const T& z) {
    using std::atan;
    return 2 * atan(z) / detail::pi<T>();
  }

  // f'(z) = (2/pi)/(1 + z^2).
  template <class T>
  static T derivative(const T& z) {
    return 2 / (detail::pi<T>() * (1 + z * z));
  }

  // f''(z) = -(4/pi) z/(1 + z^2)^2.
  template <class T>
  static T second_derivative(const T& z) {
    const T d = 1 + z * z;
    return -4 * z / (detail::pi<T>() * d * d);
  }

  // The constants of arctan times 2/pi: range (-1, 1), sup|f'| = 2/pi at 0,
  // sup|f''| = (2/pi) 3 sqrt(3)/8 = 3 sqrt(3)/(4 pi) at z = -+1/sqrt 3.
  template <class T>
  static ActivationConstants<T> constants() {
    using std::sqrt;
    const T pi = detail::pi<T>();
    ActivationConstants<T> c;
    c.range_lower = T(-1);
    c.range_upper = T(1);
    c.sup_abs_value = T(1);
    c.sup_abs_derivative = 2 / pi;
    c.argsup_derivative = T(0);
    c.sup_abs_second = 3 * sqrt(T(3)) / (4 * pi);
    c.argsup_second = 1 / sqrt(T(3));
    c.smooth = true;
    return c;
  }
};

}  // namespace deepadmm::activations
