#include "subcommand.hpp"

#include "azbridge/util/error.hpp"

#include <cstdio>

namespace azbridge::cli {

bool parse_subcommand(CLI::App& app, const std::string& program, std::vector<std::string> args,
                      std::string_view error_prefix) {
  std::string argv0 = program;
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  argv.push_back(argv0.data());
  for (auto& a : args) argv.push_back(a.data());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return false;
  } catch (const CLI::ParseError& err) {
    throw usage_error(std::string(error_prefix) + err.what());
  }
  return true;
}

}  // namespace azbridge::cli
