#include "run_impl.hpp"

DEEPADMM_INSTANTIATE_APP(deepadmm::float128)
