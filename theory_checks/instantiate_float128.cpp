#include "convergence_checks_impl.hpp"

DEEPADMM_INSTANTIATE_CHECKS(deepadmm::float128)
