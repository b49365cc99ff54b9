// Softplus f(z) = log(1 + e^z).
#pragma once

#include "../activation.hpp"
#include "special_functions.hpp"

#include <limits>

namespace deepadmm::activations {

struct Softplus {
  static constexpr const char* name = "softplus";

  // max(z, 0) + log1p(e^{-|z|}): exp gets only non-positive arguments, so nothing
  // overflows, and log1p keeps full relative accuracy where e^{-|z|} is small.
  template <class T>
  static T value(const T& z) {
    using std::abs;
    using std::exp;
    const T positive_part = z > 0 ? z : T(0);
    return positive_part + detail::log1p_of(T(exp(T(-abs(z)))));
  }

  // f'(z) = 1/(1 + e^{-z}), the logistic sigmoid, in the overflow-free form.
  template <class T>
  static T derivative(const T& z) {
    using std::abs;
    using std::exp;
    const T e = exp(T(-abs(z)));
    return (z >= 0 ? T(1) : e) / (1 + e);
  }

  // f''(z) = e/(1 + e)^2 with e = e^{-|z|} (f'' is even).
  template <class T>
  static T second_derivative(const T& z) {
    using std::abs;
    using std::exp;
    const T e = exp(T(-abs(z)));
    const T d = 1 + e;
    return e / (d * d);
  }

  // f maps onto (0, infinity): unbounded. f' increases to 1 as z -> infinity. f'' is the
  // sigmoid's derivative, largest at 0 with 1/4.
  template <class T>
  static ActivationConstants<T> constants() {
    const T infinity = std::numeric_limits<T>::infinity();
    ActivationConstants<T> c;
    c.range_lower = T(0);
    c.range_upper = infinity;
    c.sup_abs_value = infinity;
    c.sup_abs_derivative = T(1);
    c.argsup_derivative = infinity;
    c.sup_abs_second = T(1) / 4;
    c.argsup_second = T(0);
    c.smooth = true;
    return c;
  }
};

}  // namespace deepadmm::activations
