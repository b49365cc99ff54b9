// Scalar types the solver is instantiated for, and helpers that build constants in the
// scalar type without passing through a rounded double.
#pragma once

#include <boost/multiprecision/eigen.hpp>
#include <boost/multiprecision/float128.hpp>
#include <boost/multiprecision/mpfr.hpp>
#include <Eigen/Dense>

#include <locale.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>

namespace deepadmm {

using float128 = boost::multiprecision::float128;

// MPFR with the precision chosen at run time. Expression templates are off so that Eigen
// gets plain values. Boost gives every new value the thread's default precision, so call
// set_mpfr_digits before creating any value of this type.
using mpfr_real =
    boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<0>,
                                  boost::multiprecision::et_off>;

template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// Sets the decimal digits of every mpfr_real created afterwards, including the
// temporaries inside Eigen expressions.
inline void set_mpfr_digits(unsigned digits10) {
  mpfr_real::default_precision(digits10);
}

// Name of the scalar type as the command line and the reports spell it.
template <class T>
std::string scalar_name();
template <>
inline std::string scalar_name<double>() { return "double"; }
template <>
inline std::string scalar_name<float128>() { return "float128"; }
template <>
inline std::string scalar_name<mpfr_real>() {
  return "mpfr" + std::to_string(mpfr_real::default_precision());
}

// Unit roundoff u = epsilon/2 of the scalar type (for mpfr_real at the current default
// precision).
template <class T>
T unit_roundoff() {
  return std::numeric_limits<T>::epsilon() / 2;
}

// Switches the calling thread to the "C" numeric locale for its lifetime, so that number
// text always uses a decimal point. libquadmath's float128 conversions and snprintf follow
// the thread's locale otherwise.
class ClassicNumericLocale {
 public:
  ClassicNumericLocale()
      : classic_(newlocale(LC_NUMERIC_MASK, "C", static_cast<locale_t>(nullptr))),
        previous_(classic_ ? uselocale(classic_) : static_cast<locale_t>(nullptr)) {}
  ~ClassicNumericLocale() {
    if (classic_) {
      uselocale(previous_);
      freelocale(classic_);
    }
  }
  ClassicNumericLocale(const ClassicNumericLocale&) = delete;
  ClassicNumericLocale& operator=(const ClassicNumericLocale&) = delete;

 private:
  locale_t classic_;
  locale_t previous_;
};

// Writes x in scientific notation with enough digits to read it back exactly, with a
// decimal point whatever the locale.
template <class T>
std::string to_exact_string(const T& x) {
  const ClassicNumericLocale classic;
  if constexpr (std::is_same_v<T, double>) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17e", x);
    return buffer;
  } else {
    // Boost.Multiprecision writes every digit needed for a round trip when asked for 0.
    return x.str(0, std::ios_base::scientific);
  }
}

// Parses a decimal string directly into T, so "0.1" is the nearest T to one tenth and not
// the nearest double. Throws std::invalid_argument on malformed text.
template <class T>
T parse_scalar(std::string_view text) {
  if constexpr (std::is_same_v<T, double>) {
    // std::from_chars ignores the locale, unlike std::stod and streams.
    double value = 0;
    const char* first = text.data();
    const char* last = first + text.size();
    if (!text.empty() && *first == '+') ++first;
    const auto [end, error] = std::from_chars(first, last, value);
    if (error != std::errc() || end != last || first == last)
      throw std::invalid_argument("not a number: '" + std::string(text) + "'");
    return value;
  } else {
    try {
      const ClassicNumericLocale classic;
      return T(std::string(text));
    } catch (const std::exception&) {
      throw std::invalid_argument("not a number: '" + std::string(text) + "'");
    }
  }
}

// Converts a value of T to double for display only.
template <class T>
double to_double(const T& x) {
  return static_cast<double>(x);
}

template <class T>
bool is_finite(const T& x) {
  using std::isfinite;
  using boost::multiprecision::isfinite;
  return isfinite(x);
}

template <class Derived>
bool all_finite(const Eigen::MatrixBase<Derived>& m) {
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (!is_finite(m(i, j))) return false;
  return true;
}

}  // namespace deepadmm
