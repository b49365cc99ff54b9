#include "run_impl.hpp"

DEEPADMM_INSTANTIATE_APP(deepadmm::mpfr_real)
