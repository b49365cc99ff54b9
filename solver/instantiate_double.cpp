#include "instantiate.hpp"

DEEPADMM_INSTANTIATE(double)
