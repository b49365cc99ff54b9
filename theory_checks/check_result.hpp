// Result of one theory check: what was measured, against which bound, with which
// tolerance, and the verdict.
#pragma once

#include <string>
#include <vector>

namespace deepadmm::checks {

enum class Verdict { Pass, Fail, NotApplicable };

std::string verdict_name(Verdict verdict);

// One measured quantity held against its bound: passes when measured <= bound + tolerance
// (relation "<="), or when measured >= bound - tolerance (relation ">=").
struct Measurement {
  std::string quantity;
  std::string relation = "<=";
  double measured = 0;
  double bound = 0;
  double tolerance = 0;
  std::string tolerance_source;  // where the tolerance comes from
  std::string measured_exact;    // measured value with every digit of the run's scalar type
  Verdict verdict = Verdict::NotApplicable;
  bool counts = true;  // false for a quantity reported beside the claim, outside the verdict
  std::string note;
};

struct CheckResult {
  std::string id;      // "C1", "C2", ...
  std::string name;    // "descent", "rate", "kkt"
  std::string claim;   // the statement checked
  std::string source;  // where the notes derive it
  std::string label;   // "proved bound" or "empirical"
  std::string setting; // parameters the run used
  std::vector<Measurement> measurements;
  std::vector<std::string> findings;  // further measured facts, one sentence each
  Verdict verdict = Verdict::NotApplicable;
  std::string reason;  // why NOT APPLICABLE, or what failed
};

// Sets the verdict of a measurement from its numbers.
void decide(Measurement& m);

// The verdict of a check over the measurements that count: FAIL when any fails, else PASS
// when any passes, else NOT APPLICABLE.
Verdict combine(const std::vector<Measurement>& measurements);

// Prints a check as a readable block.
void print_check(const CheckResult& check);

// Writes the checks as JSON to `path`. Throws std::runtime_error when writing fails.
void write_checks_json(const std::vector<CheckResult>& checks, const std::string& settings_json,
                       const std::string& path);

}  // namespace deepadmm::checks
