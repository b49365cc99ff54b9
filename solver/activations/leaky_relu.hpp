// Leaky rectified linear unit f(z) = z for z > 0 and z/100 otherwise, a non-smooth
// baseline outside the convergence theory.
#pragma once

#include "../activation.hpp"

#include <limits>

namespace deepadmm::activations {

struct LeakyRelu {
  static constexpr const char* name = "leaky-relu";

  // Slope on the negative side, as the exact ratio 1/100 (rounded once in T).
  template <class T>
  static T negative_slope() {
    return T(1) / 100;
  }

  // z/100 is one correctly rounded division, so it is exact to rounding in every T.
  template <class T>
  static T value(const T& z) {
    return z > 0 ? z : T(z / 100);
  }

  // f'(z) = 1 for z > 0, 1/100 for z <= 0. At the kink 0 this returns 1/100, the left
  // derivative, as the ReLU returns its left derivative 0.
  template <class T>
  static T derivative(const T& z) {
    return z > 0 ? T(1) : negative_slope<T>();
  }

  // f'' = 0 away from 0, and this returns 0 at the kink too, where f'' does not exist.
  template <class T>
  static T second_derivative(const T&) {
    return T(0);
  }

  // f maps onto the real line: unbounded. |f'| <= 1, attained on z > 0. f' jumps at 0,
  // so sup_abs_second (the Lipschitz constant of f') is infinity, at the kink 0.
  template <class T>
  static ActivationConstants<T> constants() {
    const T infinity = std::numeric_limits<T>::infinity();
    ActivationConstants<T> c;
    c.range_lower = -infinity;
    c.range_upper = infinity;
    c.sup_abs_value = infinity;
    c.sup_abs_derivative = T(1);
    c.argsup_derivative = T(1);
    c.sup_abs_second = infinity;
    c.argsup_second = T(0);
    c.smooth = false;
    return c;
  }
};

}  // namespace deepadmm::activations
