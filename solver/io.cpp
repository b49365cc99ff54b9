#include "io.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

namespace deepadmm {

namespace {

std::vector<std::string> split_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (char ch : line) {
    if (ch == ',') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell.push_back(ch);
    }
  }
  cells.push_back(cell);
  return cells;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace

CsvTable read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open '" + path + "' for reading; check the path");

  CsvTable table;
  table.path = path;
  std::string line;
  int line_number = 0;
  std::vector<std::pair<int, std::string>> lines;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    lines.emplace_back(line_number, line);
  }
  if (in.bad()) throw std::runtime_error("reading '" + path + "' failed");
  while (!lines.empty() && trim(lines.back().second).empty()) lines.pop_back();
  if (lines.empty()) throw std::runtime_error("'" + path + "' is empty; expected a header line and data rows");

  for (const auto& cell : split_line(lines.front().second)) table.header.push_back(trim(cell));
  std::unordered_set<std::string> seen;
  for (const auto& name : table.header) {
    if (name.empty()) throw std::runtime_error("'" + path + "' line 1: a column has an empty name");
    if (!seen.insert(name).second)
      throw std::runtime_error("'" + path + "' line 1: column name '" + name + "' appears twice");
  }
  for (std::size_t k = 1; k < lines.size(); ++k) {
    const auto& [number, text] = lines[k];
    auto cells = split_line(text);
    if (cells.size() != table.header.size())
      throw std::runtime_error("'" + path + "' line " + std::to_string(number) + ": " +
                               std::to_string(cells.size()) + " cells, but the header has " +
                               std::to_string(table.header.size()) + " columns");
    for (auto& cell : cells) cell = trim(cell);
    table.rows.push_back(std::move(cells));
    table.line_numbers.push_back(number);
  }
  if (table.rows.empty()) throw std::runtime_error("'" + path + "' has a header but no data rows");
  return table;
}

std::vector<int> find_columns(const CsvTable& table, const std::vector<std::string>& names) {
  std::vector<int> positions;
  for (const auto& name : names) {
    int found = -1;
    for (std::size_t c = 0; c < table.header.size(); ++c)
      if (table.header[c] == name) found = static_cast<int>(c);
    if (found < 0) {
      std::string known;
      for (const auto& h : table.header) known += (known.empty() ? "" : ", ") + h;
      throw std::runtime_error("column '" + name + "' not found in '" + table.path + "'; its columns are: " + known);
    }
    positions.push_back(found);
  }
  return positions;
}

}  // namespace deepadmm
