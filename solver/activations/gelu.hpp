// GELU f(z) = z Phi(z), with Phi the standard normal distribution function.
#pragma once

#include "../activation.hpp"
#include "special_functions.hpp"

#include <limits>

namespace deepadmm::activations {

struct Gelu {
  static constexpr const char* name = "gelu";

  // Phi(z) = erfc(-z/sqrt 2)/2. Unlike (1 + erf(z/sqrt 2))/2 it keeps full relative
  // accuracy in the left tail, where Phi is tiny.
  template <class T>
  static T normal_cdf(const T& z) {
    using std::sqrt;
    return detail::erfc_of(T(-z / sqrt(T(2)))) / 2;
  }

  // phi(z) = e^{-z^2/2}/sqrt(2 pi).
  template <class T>
  static T normal_density(const T& z) {
    using std::exp;
    using std::sqrt;
    return exp(T(-(z * z) / 2)) / sqrt(2 * detail::pi<T>());
  }

  template <class T>
  static T value(const T& z) {
    return z * normal_cdf(z);
  }

  // f'(z) = Phi(z) + z phi(z). The product is skipped where phi underflows to 0, so that
  // an infinite z cannot give infinity times 0.
  template <class T>
  static T derivative(const T& z) {
    const T density = normal_density(z);
    return normal_cdf(z) + (density == 0 ? T(0) : T(z * density));
  }

  // f''(z) = phi(z) (2 - z^2), with the same guard.
  template <class T>
  static T second_derivative(const T& z) {
    const T density = normal_density(z);
    return density == 0 ? T(0) : T(density * (2 - z * z));
  }

  // With phi' = -z phi: f'' = phi (2 - z^2) and f''' = phi z (z^2 - 4).
  //   f' = 0 at z0 with Phi(z0) + z0 phi(z0) = 0 (z0 ~ -0.752), where f is least:
  //     f(z0) = z0 Phi(z0) = -z0^2 phi(z0). f is unbounded above.
  //   f'' = 0 at z = -+sqrt 2. f'(sqrt 2) = Phi(sqrt 2) + sqrt 2 phi(sqrt 2)
  //     = (1 + erf(1))/2 + e^{-1}/sqrt pi, and f'(-sqrt 2) = 1 - f'(sqrt 2) because
  //     f(z) - f(-z) = z. f' tends to 0 and 1 in the tails, so sup|f'| = f'(sqrt 2).
  //   f''' = 0 at 0 and -+2: f''(0) = 2 phi(0) = sqrt(2/pi), |f''(-+2)| = 2 phi(2) is
  //     smaller and f'' tends to 0 in the tails, so sup|f''| = sqrt(2/pi).
  // z0 is the root of a transcendental equation, computed here in T by Newton's method.
  template <class T>
  static ActivationConstants<T> constants() {
    using std::exp;
    using std::sqrt;
    const T pi = detail::pi<T>();
    const T z0 = detail::newton_root<T>([](const T& z) { return T(normal_cdf(z) + z * normal_density(z)); },
                                        [](const T& z) { return T(normal_density(z) * (2 - z * z)); },
                                        T(-3) / 4);
    const T infinity = std::numeric_limits<T>::infinity();
    ActivationConstants<T> c;
    c.range_lower = -(z0 * z0) * normal_density(z0);
    c.range_upper = infinity;
    c.sup_abs_value = infinity;
    c.sup_abs_derivative = (1 + detail::erf_of(T(1))) / 2 + exp(T(-1)) / sqrt(pi);
    c.argsup_derivative = sqrt(T(2));
    c.sup_abs_second = sqrt(2 / pi);
    c.argsup_second = T(0);
    c.smooth = true;
    return c;
  }
};

}  // namespace deepadmm::activations
