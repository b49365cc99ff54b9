// Rejection of invalid options and data by the library and the deepadmm command, and
// CSV files in the forms real tools write them.
#include "test_support.hpp"

#include "solver/activations/registry.hpp"
#include "solver/admm.hpp"
#include "solver/io.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using deepadmm::float128;
using deepadmm::Matrix;
using deepadmm::mpfr_real;
using deepadmm::Options;
using deepadmm::testing::ScalarSetup;
using deepadmm::testing::TemporaryDirectory;

namespace {

// An invalid setting of Options and the texts its message must contain.
template <class T>
struct OptionCase {
  const char* label;
  int layers;
  std::function<void(Options<T>&)> change;
  std::vector<std::string> expected;
};

template <class T>
std::vector<OptionCase<T>> invalid_option_cases() {
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const T infinity = std::numeric_limits<T>::infinity();
  return {
      {"zero beta", 2, [](Options<T>& o) { o.beta = {T(0)}; }, {"beta_1", "0"}},
      {"negative beta", 2, [](Options<T>& o) { o.beta = {T(-1)}; }, {"beta_1", "-1"}},
      {"NaN beta", 2, [=](Options<T>& o) { o.beta = {nan}; }, {"beta_1", "nan"}},
      {"infinite beta", 2, [=](Options<T>& o) { o.beta = {infinity}; }, {"beta_1", "inf"}},
      {"zero second beta", 2, [](Options<T>& o) { o.beta = {T(1), T(0)}; }, {"beta_2", "0"}},
      {"three betas for two layers", 2, [](Options<T>& o) { o.beta = {T(1), T(1), T(1)}; }, {"beta", "3"}},
      {"no beta", 2, [](Options<T>& o) { o.beta.clear(); }, {"beta", "0"}},
      {"negative lambda", 2, [](Options<T>& o) { o.lambda = T(-1); }, {"lambda", "-1"}},
      {"NaN lambda", 2, [=](Options<T>& o) { o.lambda = nan; }, {"lambda", "nan"}},
      {"zero fixed curvature", 2,
       [](Options<T>& o) {
         o.curvature = deepadmm::CurvatureRule::Fixed;
         o.fixed_curvature = T(0);
       },
       {"fixed_curvature", "0"}},
      {"negative fixed curvature", 2,
       [](Options<T>& o) {
         o.curvature = deepadmm::CurvatureRule::Fixed;
         o.fixed_curvature = T(-2);
       },
       {"fixed_curvature", "-2"}},
      {"negative max_iterations", 2, [](Options<T>& o) { o.max_iterations = -1; }, {"max_iterations", "-1"}},
      {"negative KKT tolerance", 2, [](Options<T>& o) { o.kkt_tolerance = T(-1) / 1000; },
       {"kkt_tolerance", "-0.001"}},
      {"NaN KKT tolerance", 2, [=](Options<T>& o) { o.kkt_tolerance = nan; }, {"kkt_tolerance", "nan"}},
      {"negative relative tolerance", 2, [](Options<T>& o) { o.relative_change_tolerance = T(-1); },
       {"relative_change_tolerance", "-1"}},
      {"zero time limit", 2, [](Options<T>& o) { o.time_limit_seconds = 0; }, {"time_limit_seconds", "0"}},
      {"negative kkt_every", 2, [](Options<T>& o) { o.kkt_every = -1; }, {"kkt_every", "-1"}},
  };
}

// Inputs of a small valid problem, for the validate_problem cases to break one at a time.
template <class T>
struct SmallProblem {
  Matrix<T> x;
  Matrix<T> y;
  deepadmm::Network<T> net;
  Options<T> options;
};

template <class T>
SmallProblem<T> small_problem() {
  std::mt19937_64 rng(31);
  SmallProblem<T> p;
  p.x = deepadmm::testing::random_matrix<T>(2, 4, -1.0, 1.0, rng);
  p.y = deepadmm::testing::random_matrix<T>(1, 4, -1.0, 1.0, rng);
  p.net = deepadmm::make_network<T>({2, 3, 1}, deepadmm::make_activation<T>("sigmoid"), deepadmm::InitScheme::HeNormal, 5);
  return p;
}

struct ProblemCase {
  const char* label;
  std::function<void(SmallProblem<double>&)> change;
  std::vector<std::string> expected;
};

std::vector<ProblemCase> invalid_problem_cases() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double infinity = std::numeric_limits<double>::infinity();
  return {
      {"X with 3 features for input width 2", [](auto& p) { p.x = Matrix<double>::Zero(3, 4); }, {"X", "3", "2"}},
      {"Y with 2 targets for output width 1", [](auto& p) { p.y = Matrix<double>::Zero(2, 4); }, {"Y", "2", "1"}},
      {"5 targets for 4 samples", [](auto& p) { p.y = Matrix<double>::Zero(1, 5); }, {"X", "Y", "4", "5"}},
      {"no samples",
       [](auto& p) {
         p.x = Matrix<double>::Zero(2, 0);
         p.y = Matrix<double>::Zero(1, 0);
       },
       {"no samples"}},
      {"NaN in X", [=](auto& p) { p.x(1, 2) = nan; }, {"X", "NaN"}},
      {"infinity in X", [=](auto& p) { p.x(0, 0) = -infinity; }, {"X", "infinite"}},
      {"NaN in Y", [=](auto& p) { p.y(0, 3) = nan; }, {"Y", "NaN"}},
      {"infinity in Y", [=](auto& p) { p.y(0, 1) = infinity; }, {"Y", "infinite"}},
      {"W_2 of the wrong shape", [](auto& p) { p.net.weight(2) = Matrix<double>::Zero(1, 3); }, {"W_2", "1 x 3", "1 x 4"}},
      {"NaN in W_1", [=](auto& p) { p.net.weight(1)(0, 0) = nan; }, {"W_1", "NaN"}},
      {"no activation", [](auto& p) { p.net.activation = nullptr; }, {"activation"}},
      {"invalid lambda", [](auto& p) { p.options.lambda = -1; }, {"lambda", "-1"}},
  };
}

// Exit status and output of one run of the deepadmm command.
struct CommandResult {
  int exit_code = -1;
  bool crashed = false;  // ended by a signal, seen directly or as a shell status above 128
  std::string output;
  std::string errors;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// Runs the command with `arguments` (already quoted for the shell), with standard output
// and standard error captured in separate files under `directory`.
CommandResult run_command(const std::string& arguments, const TemporaryDirectory& directory) {
  const std::string output_path = directory.file("command_stdout.txt");
  const std::string error_path = directory.file("command_stderr.txt");
  const std::string command = std::string("'") + DEEPADMM_COMMAND + "' " + arguments + " >'" + output_path +
                              "' 2>'" + error_path + "' </dev/null";
  const int status = std::system(command.c_str());
  CommandResult result;
  if (status != -1 && WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
    result.crashed = result.exit_code > 128;
  } else {
    result.crashed = status != -1 && WIFSIGNALED(status);
  }
  result.output = read_file(output_path);
  result.errors = read_file(error_path);
  return result;
}

int count_nonempty_lines(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  int count = 0;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) ++count;
  return count;
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

const char* const kGoodCsv =
    "x1,x2,y\n"
    "0.1,0.2,0.02\n"
    "-0.5,0.4,-0.2\n"
    "0.9,-0.3,-0.27\n"
    "0.3,0.3,0.09\n"
    "-0.7,-0.6,0.42\n"
    "0.2,-0.8,-0.16\n";

// Restores the C locale when it goes out of scope.
struct LocaleReset {
  ~LocaleReset() { std::setlocale(LC_ALL, "C"); }
};

template <class T>
Matrix<T> read_numbers(const std::string& path, const std::vector<std::string>& columns) {
  const deepadmm::CsvTable table = deepadmm::read_csv(path);
  return deepadmm::table_matrix<T>(table, deepadmm::find_columns(table, columns));
}

}  // namespace

TEMPLATE_TEST_CASE("options validation rejects each invalid field", "[validation]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;

  for (const auto& c : invalid_option_cases<T>()) {
    INFO("case: " << c.label);
    Options<T> options;
    c.change(options);
    std::string message;
    CHECK_FALSE(options.validate(c.layers, &message));
    INFO("message: " << message);
    for (const auto& text : c.expected) CHECK_THAT(message, Contains(text));
  }

  // Boundary values that are valid.
  std::string message;
  CHECK(Options<T>{}.validate(2, &message));
  Options<T> boundary;
  boundary.lambda = T(0);
  boundary.max_iterations = 0;
  boundary.kkt_every = 0;
  boundary.beta = {T(1), T(2)};
  boundary.fixed_curvature = T(0);  // ignored unless the fixed curvature rule is chosen
  INFO("message: " << message);
  CHECK(boundary.validate(2, &message));
}

TEST_CASE("problem validation rejects bad shapes and values", "[validation]") {
  CHECK(deepadmm::validate_problem(small_problem<double>().x, small_problem<double>().y, small_problem<double>().net,
                                   small_problem<double>().options)
            .empty());

  for (const auto& c : invalid_problem_cases()) {
    INFO("case: " << c.label);
    auto p = small_problem<double>();
    c.change(p);
    const std::string message = deepadmm::validate_problem(p.x, p.y, p.net, p.options);
    INFO("message: " << message);
    CHECK_FALSE(message.empty());
    for (const auto& text : c.expected) CHECK_THAT(message, Contains(text));

    // train() reports the same problem instead of throwing, and AdmmSolver throws it.
    const auto result = deepadmm::train(p.x, p.y, p.net, p.options);
    CHECK(result.status == deepadmm::Status::InvalidInput);
    CHECK(result.message == message);
    CHECK(result.records.empty());
    CHECK_THROWS_AS(deepadmm::AdmmSolver<double>(p.x, p.y, p.net, p.options), std::invalid_argument);
  }
}

TEMPLATE_TEST_CASE("training rejects invalid options by name", "[validation]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;
  const auto p = small_problem<T>();
  for (const auto& c : invalid_option_cases<T>()) {
    INFO("case: " << c.label);
    Options<T> options;
    c.change(options);
    const auto result = deepadmm::train(p.x, p.y, p.net, options);
    INFO("message: " << result.message);
    CHECK(result.status == deepadmm::Status::InvalidInput);
    CHECK_THAT(result.message, Contains(c.expected.front()));
  }
}

TEST_CASE("network construction rejects invalid widths", "[validation]") {
  const auto f = deepadmm::make_activation<double>("sigmoid");
  CHECK_THROWS_WITH(deepadmm::make_network<double>({2, 0, 1}, f, deepadmm::InitScheme::HeNormal, 1),
                    Contains("width 1") && Contains("0"));
  CHECK_THROWS_WITH(deepadmm::make_network<double>({2}, f, deepadmm::InitScheme::HeNormal, 1), Contains("1 widths"));
  CHECK_THROWS_WITH(deepadmm::make_activation<double>("cubic"), Contains("cubic") && Contains("sigmoid"));
}

TEMPLATE_TEST_CASE("CSV reader accepts BOM, CRLF and no final newline", "[io]", double, float128, mpfr_real) {
  using T = TestType;
  ScalarSetup<T> setup;
  TemporaryDirectory directory;
  // A UTF-8 byte-order mark, CRLF line ends, and no line end after the last row; the
  // second file also ends in blank lines.
  const std::string body = "\xEF\xBB\xBFx1,x2,y\r\n1.5,0.1,-2\r\n3.14,2e-3,0.25";
  const std::vector<std::string> paths = {directory.file("windows.csv"), directory.file("blank_end.csv")};
  write_file(paths[0], body);
  write_file(paths[1], body + "\r\n\r\n\n");

  for (const auto& path : paths) {
    INFO("file " << path);
    const deepadmm::CsvTable table = deepadmm::read_csv(path);
    CHECK(table.header == std::vector<std::string>{"x1", "x2", "y"});
    REQUIRE(table.rows.size() == 2);
    CHECK(table.line_numbers == std::vector<int>{2, 3});

    const Matrix<T> m = deepadmm::table_matrix<T>(table, deepadmm::find_columns(table, {"x1", "x2", "y"}));
    REQUIRE(m.rows() == 3);
    REQUIRE(m.cols() == 2);
    // Each cell must be the T nearest to its decimal value. The correctly rounded
    // quotients below are those values, and a parse through double would miss them for
    // float128 and mpfr.
    CHECK(m(0, 0) == T(3) / 2);
    CHECK(m(1, 0) == T(1) / 10);
    CHECK(m(2, 0) == T(-2));
    CHECK(m(0, 1) == T(314) / 100);
    CHECK(m(1, 1) == T(2) / 1000);
    CHECK(m(2, 1) == T(1) / 4);
  }
}

TEST_CASE("CSV numbers ignore a German locale", "[io]") {
  TemporaryDirectory directory;
  const std::string path = directory.file("locale.csv");
  write_file(path, "x,y\n3.14,1\n");

  LocaleReset reset;
  const char* found = nullptr;
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "de_DE@euro", "German_Germany.1252"}) {
    if (std::setlocale(LC_ALL, name) != nullptr) {
      found = name;
      break;
    }
  }
  if (found == nullptr) {
    WARN("no German locale is installed, so the decimal-comma check was skipped");
    return;
  }
  INFO("locale " << found);
  // The locale must really use a decimal comma, or this test shows nothing.
  REQUIRE(std::string(std::localeconv()->decimal_point) == ",");
  CHECK(std::strtod("3.14", nullptr) == 3.0);

  CHECK(read_numbers<double>(path, {"x"})(0, 0) == 314.0 / 100);
  CHECK(read_numbers<float128>(path, {"x"})(0, 0) == float128(314) / 100);
  ScalarSetup<mpfr_real> setup;
  CHECK(read_numbers<mpfr_real>(path, {"x"})(0, 0) == mpfr_real(314) / 100);

  // Saved models and traces write numbers with to_exact_string, so it must write a
  // decimal point too, or the files cannot be read back.
  CHECK_THAT(deepadmm::to_exact_string(1.0 / 3), !Contains(","));
  CHECK_THAT(deepadmm::to_exact_string(float128(1) / 3), !Contains(","));
  CHECK_THAT(deepadmm::to_exact_string(mpfr_real(1) / 3), !Contains(","));
}

TEST_CASE("command rejects bad input with one error line", "[command]") {
  TemporaryDirectory directory;
  auto file = [&](const std::string& name, const std::string& text) {
    const std::string path = directory.file(name);
    write_file(path, text);
    return path;
  };
  const std::string good = file("good.csv", kGoodCsv);
  const std::string non_numeric = file("non_numeric.csv", "x1,x2,y\n1,2,3\n1,abc,2\n");
  const std::string ragged = file("ragged.csv", "x1,x2,y\n1,2,3\n1,2\n");
  const std::string not_a_number = file("nan.csv", "x1,x2,y\n1,2,3\n1,NaN,2\n");
  const std::string infinite = file("inf.csv", "x1,x2,y\n1,2,3\n1,2,Inf\n");
  const std::string empty = file("empty.csv", "");
  const std::string header_only = file("header_only.csv", "x1,x2,y\n");
  const std::string folder = directory.file("folder.csv");
  std::filesystem::create_directory(folder);

  // Options of a small, quick run; each case adds or overrides one of them.
  const std::string small = " --layers 3 --iterations 1 --quiet";
  auto csv = [&](const std::string& path) { return "--task csv --data " + quoted(path) + " --targets y" + small; };

  struct BadRun {
    std::string label;
    std::string arguments;
    std::vector<std::string> expected;
  };
  std::vector<BadRun> runs = {
      {"missing file", "--task csv --data /nonexistent --targets y" + small, {"/nonexistent"}},
      {"directory as data file", csv(folder), {"folder.csv"}},
      {"non-numeric cell", csv(non_numeric), {"abc", "x2", "line 3"}},
      {"ragged row", csv(ragged), {"ragged.csv", "line 3"}},
      {"NaN cell", csv(not_a_number), {"NaN", "x2"}},
      {"infinite cell", csv(infinite), {"Inf", "'y'"}},
      {"empty file", csv(empty), {"empty.csv", "empty"}},
      {"header without rows", csv(header_only), {"header_only.csv"}},
      {"missing target column", "--task csv --data " + quoted(good) + " --targets z" + small, {"'z'"}},
      {"zero beta", csv(good) + " --beta 0", {"beta", "0"}},
      {"negative beta", csv(good) + " --beta -1", {"beta", "-1"}},
      {"negative lambda", csv(good) + " --lambda -1", {"lambda", "-1"}},
      {"zero layer width", "--task csv --data " + quoted(good) + " --targets y --layers 0,5 --iterations 1 --quiet",
       {"layers", "0"}},
      {"unknown activation", csv(good) + " --activation cubic", {"activation", "cubic"}},
      {"unknown task", "--task cubic --iterations 1 --quiet", {"task", "cubic"}},
      {"test fraction without test rows", csv(good) + " --test-fraction 0.001", {"--test-fraction", "no test rows"}},
  };
  if (::geteuid() != 0) {
    // Root reads every file whatever its mode, so this case runs only for other users.
    const std::string locked = file("locked.csv", kGoodCsv);
    std::filesystem::permissions(locked, std::filesystem::perms::none);
    runs.push_back({"unreadable file", csv(locked), {"locked.csv"}});
  } else {
    WARN("running as root: the unreadable-file case was skipped (the directory case still runs)");
  }

  for (const auto& run : runs) {
    INFO("case: " << run.label << "\narguments: " << run.arguments);
    const CommandResult result = run_command(run.arguments, directory);
    INFO("exit code " << result.exit_code << "\nstderr:\n" << result.errors);
    CHECK(result.exit_code != 0);
    CHECK_FALSE(result.crashed);
    CHECK(count_nonempty_lines(result.errors) == 1);
    for (const auto& text : run.expected) CHECK_THAT(result.errors, Contains(text));
  }
}

TEST_CASE("command trains on valid CSV files", "[command]") {
  TemporaryDirectory directory;
  const std::string unix_file = directory.file("good.csv");
  write_file(unix_file, kGoodCsv);
  // The same data as written on Windows: byte-order mark, CRLF, no final line end.
  std::string windows_text = "\xEF\xBB\xBF";
  for (const char* c = kGoodCsv; *c != '\0'; ++c) windows_text += (*c == '\n') ? std::string("\r\n") : std::string(1, *c);
  windows_text.erase(windows_text.size() - 2);
  const std::string windows_file = directory.file("windows.csv");
  write_file(windows_file, windows_text);

  for (const auto& path : {unix_file, windows_file}) {
    INFO("file " << path);
    const CommandResult result =
        run_command("--task csv --data " + quoted(path) + " --targets y --layers 3 --iterations 2", directory);
    INFO("exit code " << result.exit_code << "\nstdout:\n" << result.output << "\nstderr:\n" << result.errors);
    CHECK(result.exit_code == 0);
    CHECK(result.errors.empty());
    CHECK_THAT(result.output, Contains("6 train"));
  }
}

TEST_CASE("compare writes every result file of a reduced grid", "[command][compare]") {
  TemporaryDirectory directory;
  const std::string out = directory.file("results");
  const CommandResult result =
      run_command("compare --size smoke --tasks product,diabetes --seeds 1 --no-plots --quiet --out '" + out + "'",
                  directory);
  REQUIRE_FALSE(result.crashed);
  REQUIRE(result.exit_code == 0);
  // 2 tasks x 3 methods x 1 seed x (5 hyperparameter values + 8 initialisations + 5
  // preprocessings), plus the 2 gradient methods x 2 tasks of the equal-time grid.
  const int runs = 2 * 3 * (5 + 8 + 5) + 2 * 2;
  CHECK(count_nonempty_lines(read_file(out + "/runs.csv")) == runs + 1);
  const std::string summary = read_file(out + "/summary.md");
  for (const char* heading : {"## Hyperparameter grid", "## Initialisation grid", "## Input preprocessing grid",
                              "## Equal wall time", "### product", "### diabetes", "| xavier |", "| x100 |"})
    CHECK_THAT(summary, Contains(heading));
  const std::string json = read_file(out + "/runs.json");
  CHECK_THAT(json, Contains("\"saturation_threshold\""));
  CHECK_THAT(read_file(out + "/plots.gp"), Contains("loss.png"));
  // Every run has its first and last curve point: pass 0 and the last pass.
  const std::string curves = read_file(out + "/curves.csv");
  CHECK_THAT(curves, Contains("\n0,0,"));
  CHECK_THAT(curves, Contains("\n0,40,"));
}

TEST_CASE("compare rejects bad settings with one error line", "[command][compare]") {
  TemporaryDirectory directory;
  const std::string out = " --quiet --no-plots --out '" + directory.file("results") + "'";
  struct Case {
    std::string arguments, message;
  };
  const std::vector<Case> cases = {
      {"compare --tasks cube" + out, "unknown task 'cube'; known: product, square"},
      {"compare --methods relu-admm" + out, "unknown method 'relu-admm'; known: sigmoid-admm"},
      {"compare --data-dir '" + directory.file("none") + "'" + out, "diabetes.csv' does not exist; pass --data-dir"},
      {"compare --seeds 0" + out, "--seeds"},
      {"compare --size huge" + out, "--size"},
      {"compare --out '" + directory.file("short/diabetes.csv") + "' --quiet --no-plots",
       "cannot be used as a folder"},
      {"compare --tasks diabetes --data-dir '" + directory.file("short") + "'" + out,
       "has 50 data rows, but the comparison needs at least 110 (100 test rows and 10 training rows)"},
  };
  // A diabetes file with the right columns but too few rows for the 100-row test split.
  std::filesystem::create_directories(directory.file("short"));
  {
    std::ofstream file(directory.file("short/diabetes.csv"));
    file << "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,target\n";
    for (int row = 0; row < 50; ++row) file << row << ",1,20,80,150,90,40,4,4.5,80," << 100 + row << "\n";
  }
  for (const auto& c : cases) {
    INFO(c.arguments);
    const CommandResult result = run_command(c.arguments, directory);
    CHECK_FALSE(result.crashed);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.errors, Contains(c.message));
    CHECK(count_nonempty_lines(result.errors) == 1);
  }
}
