// Hyperbolic tangent f(z) = tanh(z).
#pragma once

#include "../activation.hpp"

namespace deepadmm::activations {

struct Tanh {
  static constexpr const char* name = "tanh";

  template <class T>
  static T value(const T& z) {
    using std::tanh;
    return tanh(z);
  }

  // f'(z) = sech(z)^2 = 4 e / (1 + e)^2 with e = exp(-2|z|). Unlike 1 - tanh(z)^2 this
  // keeps full relative accuracy in the tails.
  template <class T>
  static T derivative(const T& z) {
    using std::abs;
    using std::exp;
    const T e = exp(-2 * abs(z));
    const T d = 1 + e;
    return 4 * e / (d * d);
  }

  // f''(z) = -2 tanh(z) f'(z).
  template <class T>
  static T second_derivative(const T& z) {
    return -2 * value(z) * derivative(z);
  }

  // f maps onto (-1, 1). f' peaks at 0 with value 1. |f''| = 2 t (1 - t^2) with t = tanh z
  // is largest at t = 1/sqrt 3, z = atanh(1/sqrt 3) = ln(2 + sqrt 3)/2, with value
  // 4/(3 sqrt 3).
  template <class T>
  static ActivationConstants<T> constants() {
    using std::log;
    using std::sqrt;
    ActivationConstants<T> c;
    c.range_lower = T(-1);
    c.range_upper = T(1);
    c.sup_abs_value = T(1);
    c.sup_abs_derivative = T(1);
    c.argsup_derivative = T(0);
    c.sup_abs_second = 4 / (3 * sqrt(T(3)));
    c.argsup_second = log(2 + sqrt(T(3))) / 2;
    c.smooth = true;
    return c;
  }
};

}  // namespace deepadmm::activations
