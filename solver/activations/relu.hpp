// Rectified linear unit f(z) = max(z, 0), a non-smooth baseline outside the convergence
// theory.
#pragma once

#include "../activation.hpp"

#include <limits>

namespace deepadmm::activations {

struct Relu {
  static constexpr const char* name = "relu";

  template <class T>
  static T value(const T& z) {
    return z > 0 ? z : T(0);
  }

  // f'(z) = [z > 0]. At the kink z = 0 this returns 0, the left derivative.
  template <class T>
  static T derivative(const T& z) {
    return z > 0 ? T(1) : T(0);
  }

  // f'' = 0 away from 0, and this returns 0 at the kink too, where f'' does not exist.
  template <class T>
  static T second_derivative(const T&) {
    return T(0);
  }

  // f maps onto [0, infinity): unbounded. |f'| <= 1, attained on z > 0. f' jumps at 0, so
  // it has no Lipschitz constant: sup_abs_second is infinity, at the kink 0, and f is
  // not C^2.
  template <class T>
  static ActivationConstants<T> constants() {
    const T infinity = std::numeric_limits<T>::infinity();
    ActivationConstants<T> c;
    c.range_lower = T(0);
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
