#include "tasks.hpp"

namespace deepadmm::app {

std::vector<int> default_hidden_widths(const std::string& task) {
  if (task == "product") return {300, 300};
  return {100, 100};
}

int default_iterations(const std::string& task) {
  if (task == "product") return 30;
  if (task == "square") return 50;
  return 100;
}

}  // namespace deepadmm::app
