// Logistic sigmoid f(z) = 1 / (1 + exp(-z)).
#pragma once

#include "../activation.hpp"

namespace deepadmm::activations {

struct Sigmoid {
  static constexpr const char* name = "sigmoid";

  // Evaluates exp only at non-positive arguments, so neither tail overflows and
  // f(z) + f(-z) = 1 is satisfied to rounding.
  template <class T>
  static T value(const T& z) {
    using std::exp;
    if (z >= 0) return 1 / (1 + exp(-z));
    const T e = exp(z);
    return e / (1 + e);
  }

  // f'(z) = f(z) f(-z) = e / (1 + e)^2 with e = exp(-|z|) <= 1, so nothing overflows.
  template <class T>
  static T derivative(const T& z) {
    using std::abs;
    using std::exp;
    const T e = exp(-abs(z));
    const T d = 1 + e;
    return e / (d * d);
  }

  // Both f(z) and f'(z) from one exponential.
  template <class T>
  static void value_and_derivative(const T& z, T& value_out, T& derivative_out) {
    using std::abs;
    using std::exp;
    const T e = exp(-abs(z));
    const T d = 1 + e;
    value_out = (z >= 0 ? T(1) : e) / d;
    derivative_out = e / (d * d);
  }

  // The formulas of value_and_derivative on a whole double matrix, with Eigen's vectorised
  // exp in place of one libm call per entry. The results may differ from the entrywise
  // ones in the last bit. The numerator exp(min(z, 0)) is 1 for z >= 0 and e for z < 0,
  // and costs less than Eigen 3.4's select, which is not vectorised.
  static void evaluate_matrix(const Matrix<double>& z, Matrix<double>& values, Matrix<double>* derivatives) {
    values.resize(z.rows(), z.cols());
    values.array() = (-z.array().abs()).exp();  // e = exp(-|z|)
    if (derivatives != nullptr) {
      derivatives->resize(z.rows(), z.cols());
      derivatives->array() = values.array() / (1 + values.array()).square();
    }
    values.array() = z.array().min(0.0).exp() / (1 + values.array());
  }

  // f''(z) = f'(z) (f(-z) - f(z)), which avoids the cancellation in 1 - 2 f(z).
  template <class T>
  static T second_derivative(const T& z) {
    const T p = value(z);
    const T q = value(T(-z));
    return p * q * (q - p);
  }

  // f maps onto (0, 1). f' peaks at 0 with value 1/4. f'' = f'(1 - 2f) is extreme where
  // f''' = f'(1 - 6f + 6f^2) = 0, that is f = (3 -+ sqrt 3)/6, z = -+ln(2 + sqrt 3),
  // where |f''| = sqrt(3)/18.
  template <class T>
  static ActivationConstants<T> constants() {
    using std::log;
    using std::sqrt;
    ActivationConstants<T> c;
    c.range_lower = T(0);
    c.range_upper = T(1);
    c.sup_abs_value = T(1);
    c.sup_abs_derivative = T(1) / 4;
    c.argsup_derivative = T(0);
    c.sup_abs_second = sqrt(T(3)) / 18;
    c.argsup_second = log(2 + sqrt(T(3)));
    c.smooth = true;
    return c;
  }
};

}  // namespace deepadmm::activations
