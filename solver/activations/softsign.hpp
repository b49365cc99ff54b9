// Softsign f(z) = z/(1 + |z|).
#pragma once

#include "../activation.hpp"

namespace deepadmm::activations {

struct Softsign {
  static constexpr const char* name = "softsign";

  template <class T>
  static T value(const T& z) {
    using std::abs;
    return z / (1 + abs(z));
  }

  // f'(z) = 1/(1 + |z|)^2, continuous at 0.
  template <class T>
  static T derivative(const T& z) {
    using std::abs;
    const T d = 1 + abs(z);
    return 1 / (d * d);
  }

  // f''(z) = -2 sign(z)/(1 + |z|)^3. It jumps from 2 to -2 at z = 0, where this returns
  // 0, the mean of the one-sided limits.
  template <class T>
  static T second_derivative(const T& z) {
    using std::abs;
    if (z == 0) return T(0);
    const T d = 1 + abs(z);
    const T magnitude = 2 / (d * d * d);
    return z > 0 ? T(-magnitude) : magnitude;
  }

  // f maps onto (-1, 1). f' peaks at 0 with 1. |f''| = 2/(1 + |z|)^3 approaches its
  // supremum 2 as z -> 0 from either side, so f' is Lipschitz with constant 2, but f is
  // not twice continuously differentiable (f'' jumps at 0).
  template <class T>
  static ActivationConstants<T> constants() {
    ActivationConstants<T> c;
    c.range_lower = T(-1);
    c.range_upper = T(1);
    c.sup_abs_value = T(1);
    c.sup_abs_derivative = T(1);
    c.argsup_derivative = T(0);
    c.sup_abs_second = T(2);
    c.argsup_second = T(0);
    c.smooth = false;
    return c;
  }
};

}  // namespace deepadmm::activations
