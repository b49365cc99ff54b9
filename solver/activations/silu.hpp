// SiLU (swish) f(z) = z sigmoid(z) = z/(1 + e^{-z}).
#pragma once

#include "../activation.hpp"
#include "special_functions.hpp"

#include <limits>

namespace deepadmm::activations {

struct Silu {
  static constexpr const char* name = "silu";

  // sigmoid(z) and sigmoid(-z) from one e = e^{-|z|} <= 1, so neither tail overflows.
  template <class T>
  static void sigmoid_pair(const T& z, T& positive, T& negative) {
    using std::abs;
    using std::exp;
    const T e = exp(T(-abs(z)));
    const T d = 1 + e;
    const T large = 1 / d;
    const T small = e / d;
    positive = z >= 0 ? large : small;
    negative = z >= 0 ? small : large;
  }

  template <class T>
  static T value(const T& z) {
    T s, s_minus;
    sigmoid_pair(z, s, s_minus);
    return z * s;
  }

  // f'(z) = s (1 + z s~) with s = sigmoid(z), s~ = sigmoid(-z) = 1 - s.
  template <class T>
  static T derivative(const T& z) {
    T s, s_minus;
    sigmoid_pair(z, s, s_minus);
    return s * (1 + z * s_minus);
  }

  // f''(z) = s s~ (2 + z (s~ - s)).
  template <class T>
  static T second_derivative(const T& z) {
    T s, s_minus;
    sigmoid_pair(z, s, s_minus);
    return s * s_minus * (2 + z * (s_minus - s));
  }

  // With s~ = 1 - s and 1 - 2s = -tanh(z/2):
  //   f' = 0 where 1 + z s~ = 0, that is z0 + 1 + e^{z0} = 0 (z0 ~ -1.278), and there
  //     f(z0) = z0 (1 - s~) = z0 + 1, the minimum of f. f is unbounded above.
  //   f'' = s s~ (2 - z tanh(z/2)) = 0 where z tanh(z/2) = 2, at z = -+z1 (z1 ~ 2.399).
  //     With t = tanh(z1/2) = 2/z1, s = (1 + t)/2 and s~ = (1 - t)/2, so
  //     f'(z1) = s (1 + z1 s~) = (1 + t) z1/4 = (z1 + 2)/4, and f'(-z1) = 1 - f'(z1)
  //     because f(z) - f(-z) = z. f' tends to 0 and 1 in the tails, so sup|f'| = (z1 + 2)/4.
  //   f'' is even. On |z| < z1 both factors s s~ and 2 - z tanh(z/2) are positive and
  //     fall with |z|, so f'' peaks at 0 with 1/2. On |z| > z1,
  //     |f''| <= s s~ |z| <= |z| e^{-|z|} <= 1/e < 1/2. So sup|f''| = 1/2.
  // z0 and z1 are roots of transcendental equations, computed here in T by Newton's method.
  template <class T>
  static ActivationConstants<T> constants() {
    using std::exp;
    using std::tanh;
    const T z0 = detail::newton_root<T>([](const T& z) { return T(z + 1 + exp(z)); },
                                        [](const T& z) { return T(1 + exp(z)); }, T(-5) / 4);
    const T z1 = detail::newton_root<T>(
        [](const T& z) { return T(z * tanh(T(z / 2)) - 2); },
        [](const T& z) {
          const T t = tanh(T(z / 2));
          return T(t + z * (1 - t * t) / 2);
        },
        T(12) / 5);
    const T infinity = std::numeric_limits<T>::infinity();
    ActivationConstants<T> c;
    c.range_lower = z0 + 1;
    c.range_upper = infinity;
    c.sup_abs_value = infinity;
    c.sup_abs_derivative = (z1 + 2) / 4;
    c.argsup_derivative = z1;
    c.sup_abs_second = T(1) / 2;
    c.argsup_second = T(0);
    c.smooth = true;
    return c;
  }
};

}  // namespace deepadmm::activations
