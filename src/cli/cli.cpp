// The azbridge entry point: subcommand dispatch, then azbridge's main mode (configuration, logging,
// forwarders). Every failure becomes one line "azbridge: <message>" on stderr and a non-zero status.
#include "azbridge/cli/cli.hpp"

#include "azbridge/bridge/bridge.hpp"
#include "azbridge/cli/commands.hpp"
#include "azbridge/cli/options.hpp"
#include "azbridge/config/load.hpp"
#include "azbridge/config/yaml.hpp"
#include "azbridge/util/error.hpp"
#include "azbridge/util/log.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

namespace azbridge::cli {
namespace {

// Test hooks (documented in config/azbridge_config.machine.yml): tests point these at temporary files so
// that they never read the real /etc/azbridge files. Not meant for production use.
constexpr const char* machine_config_env = "AZBRIDGE_MACHINE_CONFIG";
constexpr const char* svc_config_env = "AZBRIDGE_SVC_CONFIG";

config::load_paths paths_from_environment() {
  auto paths = config::default_paths();
  if (const char* p = std::getenv(machine_config_env); p && *p) paths.machine_file = p;
  return paths;
}

// --svc: /etc/azbridge/azbridge_config.svc.yml, else azbridge_config.svc.yml beside the executable.
std::string service_config_file() {
  if (const char* p = std::getenv(svc_config_env); p && *p) return p;
  std::filesystem::path etc = "/etc/azbridge/azbridge_config.svc.yml";
  std::error_code ec;
  if (std::filesystem::exists(etc, ec)) return etc.string();
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto beside = exe.parent_path() / "azbridge_config.svc.yml";
    if (std::filesystem::exists(beside, ec)) return beside.string();
  }
  return etc.string();  // not found: load() reports it
}

void configure_logging(const config::config& cfg, const std::string& format) {
  log::settings s;
  s.min_level = log::parse_level(cfg.effective_log_level()).value_or(log::level::error);
  s.fmt = format == "json" ? log::format::json : log::format::text;
  if (cfg.log_file_name) s.file = *cfg.log_file_name;
  try {
    log::configure(s);
  } catch (const std::exception& e) {
    throw usage_error(fmt::format("-l/LogFileName: {}", e.what()));
  }
}

// Exactly one line on stderr, whatever the message holds.
void print_error(const char* message) {
  std::string line = message;
  for (auto& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "azbridge: %s\n", line.c_str());
}

int run_main_mode(const std::vector<std::string>& args) {
  auto parsed = parse_command_line(args);
  if (parsed.help) {
    std::fputs(help_text().c_str(), stdout);
    return 0;
  }
  if (parsed.version) {
    std::printf("azbridge %s\n", AZB_VERSION);
    return 0;
  }
  if (parsed.service) {
    if (parsed.options.config_file) {
      throw usage_error("--svc reads /etc/azbridge/azbridge_config.svc.yml; it cannot be combined with -f");
    }
    parsed.options.config_file = service_config_file();
  }
  auto cfg = config::load(parsed.options, paths_from_environment());
  if (parsed.print_config) {
    auto text = "# azbridge effective configuration (secrets redacted)\n" + config::to_yaml(cfg);
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  configure_logging(cfg, parsed.log_format);
  config::check_runnable(cfg);
  return bridge::run(cfg, bridge::run_options{parsed.service});
}

}  // namespace

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  try {
    if (!args.empty()) {
      const auto& first = args.front();
      std::vector<std::string> rest(args.begin() + 1, args.end());
      if (first == "relay") return run_relay(rest);
      if (first == "orchestrate") return run_orchestrate(rest);
      if (first == "token") return run_token(rest);
    }
    return run_main_mode(args);
  } catch (const user_error& e) {
    print_error(e.what());
    return static_cast<int>(e.status());
  } catch (const std::exception& e) {
    print_error(e.what());
    return static_cast<int>(exit_status::failure);
  }
}

}  // namespace azbridge::cli
