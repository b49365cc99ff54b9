// Inverse square root unit f(z) = z / sqrt(1 + z^2).
#pragma once

#include "../activation.hpp"

namespace deepadmm::activations {

struct Isru {
  static constexpr const char* name = "isru";

  // For |z| > 1 the forms use sqrt(1 + z^2) = |z| sqrt(1 + 1/z^2), so no z^2 of a large
  // argument is formed and nothing overflows.
  template <class T>
  static T value(const T& z) {
    using std::abs;
    using std::sqrt;
    if (abs(z) <= 1) return z / sqrt(1 + z * z);
    const T inverse = 1 / z;
    return (z > 0 ? T(1) : T(-1)) / sqrt(1 + inverse * inverse);
  }

  // f'(z) = (1 + z^2)^{-3/2}.
  template <class T>
  static T derivative(const T& z) {
    using std::abs;
    using std::sqrt;
    if (abs(z) <= 1) {
      const T s = 1 + z * z;
      return 1 / (s * sqrt(s));
    }
    const T inverse = 1 / abs(z);
    const T s = 1 + inverse * inverse;
    return inverse * inverse * inverse / (s * sqrt(s));
  }

  // f''(z) = -3 z (1 + z^2)^{-5/2}.
  template <class T>
  static T second_derivative(const T& z) {
    using std::abs;
    using std::sqrt;
    if (abs(z) <= 1) {
      const T s = 1 + z * z;
      return -3 * z / (s * s * sqrt(s));
    }
    const T inverse = 1 / abs(z);
    const T s = 1 + inverse * inverse;
    const T fourth = inverse * inverse * inverse * inverse;
    return (z > 0 ? T(-3) : T(3)) * fourth / (s * s * sqrt(s));
  }

  // f maps onto (-1, 1). f' peaks at 0 with 1. f''' = 3 (4 z^2 - 1) (1 + z^2)^{-7/2} is zero
  // at z = -+1/2, where |f''| = (3/2) (5/4)^{-5/2} = 48 sqrt(5)/125.
  template <class T>
  static ActivationConstants<T> constants() {
    using std::sqrt;
    ActivationConstants<T> c;
    c.range_lower = T(-1);
    c.range_upper = T(1);
    c.sup_abs_value = T(1);
    c.sup_abs_derivative = T(1);
    c.argsup_derivative = T(0);
    c.sup_abs_second = 48 * sqrt(T(5)) / 125;
    c.argsup_second = T(-1) / 2;
    c.smooth = true;
    return c;
  }
};

}  // namespace deepadmm::activations
