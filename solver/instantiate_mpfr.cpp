#include "instantiate.hpp"

DEEPADMM_INSTANTIATE(deepadmm::mpfr_real)
