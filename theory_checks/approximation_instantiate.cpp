#include "approximation_impl.hpp"

DEEPADMM_INSTANTIATE_APPROX(double)
DEEPADMM_INSTANTIATE_APPROX(deepadmm::float128)
DEEPADMM_INSTANTIATE_APPROX(deepadmm::mpfr_real)
