#include "check_result.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace deepadmm::checks {

std::string verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::Pass:
      return "PASS";
    case Verdict::Fail:
      return "FAIL";
    case Verdict::NotApplicable:
      return "NOT APPLICABLE";
  }
  return "UNKNOWN";
}

void decide(Measurement& m) {
  // A NaN compares false both ways, so a NaN measurement fails either relation.
  const bool satisfied = m.relation == "<=" ? m.measured <= m.bound + m.tolerance : m.measured >= m.bound - m.tolerance;
  m.verdict = satisfied ? Verdict::Pass : Verdict::Fail;
}

Verdict combine(const std::vector<Measurement>& measurements) {
  bool any_pass = false;
  for (const auto& m : measurements) {
    if (!m.counts) continue;
    if (m.verdict == Verdict::Fail) return Verdict::Fail;
    any_pass = any_pass || m.verdict == Verdict::Pass;
  }
  return any_pass ? Verdict::Pass : Verdict::NotApplicable;
}

void print_check(const CheckResult& check) {
  std::printf("%s %s: %s\n", check.id.c_str(), check.name.c_str(), verdict_name(check.verdict).c_str());
  std::printf("  claim:    %s\n", check.claim.c_str());
  std::printf("  label:    %s\n", check.label.c_str());
  std::printf("  source:   %s\n", check.source.c_str());
  if (!check.setting.empty()) std::printf("  setting:  %s\n", check.setting.c_str());
  if (!check.reason.empty()) std::printf("  reason:   %s\n", check.reason.c_str());
  for (const auto& m : check.measurements) {
    std::printf("  - %s\n", m.quantity.c_str());
    std::printf("      measured %.6e %s bound %.6e, tolerance %.3e: %s%s\n", m.measured, m.relation.c_str(), m.bound,
                m.tolerance, verdict_name(m.verdict).c_str(), m.counts ? "" : " (reported only)");
    if (!m.tolerance_source.empty()) std::printf("      tolerance: %s\n", m.tolerance_source.c_str());
    if (!m.note.empty()) std::printf("      note: %s\n", m.note.c_str());
  }
  for (const auto& finding : check.findings) std::printf("  * %s\n", finding.c_str());
  std::printf("\n");
}

void write_checks_json(const std::vector<CheckResult>& checks, const std::string& settings_json,
                       const std::string& path) {
  nlohmann::json doc;
  doc["settings"] = nlohmann::json::parse(settings_json);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& check : checks) {
    nlohmann::json c;
    c["id"] = check.id;
    c["name"] = check.name;
    c["claim"] = check.claim;
    c["label"] = check.label;
    c["source"] = check.source;
    c["setting"] = check.setting;
    c["verdict"] = verdict_name(check.verdict);
    c["reason"] = check.reason;
    c["findings"] = check.findings;
    nlohmann::json ms = nlohmann::json::array();
    for (const auto& m : check.measurements) {
      auto number = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(std::to_string(x)); };
      ms.push_back({{"quantity", m.quantity},
                    {"relation", m.relation},
                    {"measured", number(m.measured)},
                    {"measured_exact", m.measured_exact},
                    {"bound", number(m.bound)},
                    {"tolerance", number(m.tolerance)},
                    {"tolerance_source", m.tolerance_source},
                    {"verdict", verdict_name(m.verdict)},
                    {"counts_toward_verdict", m.counts},
                    {"note", m.note}});
    }
    c["measurements"] = std::move(ms);
    list.push_back(std::move(c));
  }
  doc["checks"] = std::move(list);
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot open '" + path + "' for writing");
  out << doc.dump(1) << '\n';
  if (!out) throw std::runtime_error("writing '" + path + "' failed");
}

}  // namespace deepadmm::checks
