#include "run_impl.hpp"

DEEPADMM_INSTANTIATE_APP(double)
