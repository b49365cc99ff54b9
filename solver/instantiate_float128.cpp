#include "instantiate.hpp"

DEEPADMM_INSTANTIATE(deepadmm::float128)
