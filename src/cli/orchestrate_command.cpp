// `azbridge orchestrate open|close|status|sweep`: the command line of the orchestrator. Every setting
// of orchestrate/settings.hpp becomes a --flag here (and an environment variable and a YAML key there).
#include "azbridge/cli/commands.hpp"
#include "azbridge/orchestrate/errors.hpp"
#include "azbridge/orchestrate/run.hpp"
#include "azbridge/orchestrate/settings.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace azbridge::cli {

int run_orchestrate(const std::vector<std::string>& args) {
  namespace orch = azbridge::orchestrate;
  CLI::App app{"Open and close tunnels to IoT devices: an IoT Hub direct method starts the device's remote "
               "forwarder, an Azure Container Instances group runs the local forwarder.",
               "azbridge orchestrate"};
  app.require_subcommand(1);
  app.fallthrough();
  app.footer(std::string("Settings come from --config FILE (section Orchestrate:), AZBRIDGE_* environment variables and "
                         "these flags, flags winning.\nEntra ID credentials: AZURE_TENANT_ID/AZURE_CLIENT_ID/"
                         "AZURE_CLIENT_SECRET, AZURE_FEDERATED_TOKEN_FILE, IDENTITY_ENDPOINT/IDENTITY_HEADER, IMDS, az.\n"
                         "\nExit status:\n") + std::string(orch::status_table()));

  orch::run_options opt;
  std::string output = "text";
  std::string config_file;
  app.add_option("--config", config_file, "YAML file with an Orchestrate: section (or AZBRIDGE_ORCHESTRATE_CONFIG)");
  app.add_option("-o,--output", output, "result format on stdout")->check(CLI::IsMember({"text", "json"}));
  app.add_flag("-v,--verbose", opt.verbose, "show HTTP requests and answers (secrets redacted) and the credential used");
  app.add_flag("--dry-run", opt.dry_run, "print the requests instead of sending them (assumes nothing exists yet)");
  app.add_flag("-q,--quiet", opt.quiet, "no progress lines on stderr");

  std::map<std::string, std::string> values;
  std::map<std::string, bool> switches;
  for (const auto& d : orch::setting_definitions()) {
    auto name = "--" + std::string(d.flag);
    auto help = std::string(d.help) + " [" + std::string(d.env) + "]";
    if (d.is_switch) {
      app.add_flag(name, switches[std::string(d.flag)], help)->group("Settings");
    } else {
      app.add_option(name, values[std::string(d.flag)], help)->group("Settings");
    }
  }

  auto* open = app.add_subcommand("open", "start the device's forwarder and a container running the local one; prints fqdn:port");
  open->add_option("-d,--device", opt.device, "IoT Hub device id")->required();
  auto* close = app.add_subcommand("close", "stop the device's forwarder, delete the container group (and session relay)");
  close->add_option("-d,--device", opt.device, "IoT Hub device id")->required();
  auto* status = app.add_subcommand("status", "list sessions recorded in container group tags");
  status->add_option("-d,--device", opt.device, "only this device");
  app.add_subcommand("sweep", "close every session past its expiry (for a CI cron)");

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return static_cast<int>(orch::exit_code::usage);
  }
  opt.command = app.get_subcommands().front()->get_name();
  opt.json = output == "json";

  orch::raw_settings flags;
  for (const auto& d : orch::setting_definitions()) {
    auto* o = app.get_option("--" + std::string(d.flag));
    if (o->count() == 0) continue;
    flags[std::string(d.flag)] = d.is_switch ? "true" : values[std::string(d.flag)];
  }
  try {
    if (config_file.empty()) {
      if (const char* c = std::getenv("AZBRIDGE_ORCHESTRATE_CONFIG"); c && *c) config_file = c;
    }
    orch::raw_settings yaml;
    if (!config_file.empty()) yaml = orch::read_yaml_settings(config_file);
    auto env = orch::read_environment_settings([](const char* n) { return std::getenv(n); });
    auto s = orch::resolve_settings(yaml, env, flags);
    return orch::run(s, opt);
  } catch (const orch::error& e) {
    std::fprintf(stderr, "azbridge orchestrate: %s\n", e.what());
    return static_cast<int>(e.code());
  }
}

}  // namespace azbridge::cli
