// `azbridge relay`: runs the embedded Hybrid Connections relay server (see docs/relay.md).
//   azbridge relay --bind HOST:PORT [--tls-cert FILE --tls-key FILE | --no-tls]
//                  --shared-access-key-name NAME --shared-access-key KEY [--hybrid-connection NAME]...
//                  [--config FILE] [--log-level LEVEL]
// Command-line options override the config file; --hybrid-connection adds to its list.
#include "azbridge/cli/commands.hpp"
#include "azbridge/relay_server/options.hpp"
#include "azbridge/relay_server/server.hpp"
#include "azbridge/util/error.hpp"
#include "azbridge/util/log.hpp"
#include "subcommand.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>

namespace azbridge::cli {
namespace {

int run_relay_command(const std::vector<std::string>& args) {
  CLI::App app{"Run a local Azure Relay Hybrid Connections service that azbridge and Microsoft's client libraries "
               "can use (Endpoint=sb://HOST:PORT/; with --no-tls: ws://HOST:PORT/).",
               "azbridge relay"};
  app.set_help_flag("-h,--help", "Show help information");
  std::string bind, cert, key, key_name, key_value, config_file, log_level;
  std::vector<std::string> hybrid_connections;
  bool no_tls = false;
  auto* obind = app.add_option("--bind", bind, "HOST:PORT to listen on (default 127.0.0.1:443, or :80 with "
                                               "--no-tls; PORT 0 picks a free port)");
  auto* ocert = app.add_option("--tls-cert", cert, "PEM certificate chain of the relay");
  auto* okey = app.add_option("--tls-key", key, "PEM private key of --tls-cert");
  auto* onotls = app.add_flag("--no-tls", no_tls, "Serve plain ws:// and http:// (tests on loopback only)");
  auto* okn = app.add_option("-K,--shared-access-key-name", key_name,
                             "Name of a shared access policy with Listen, Send and Manage rights");
  auto* okv = app.add_option("-k,--shared-access-key", key_value, "Key of that policy (as shown in the portal)");
  app.add_option("--hybrid-connection", hybrid_connections,
                 "A hybrid connection to serve (repeatable). None here or in the config: any name is accepted");
  app.add_option("--config", config_file, "YAML file with policies, hybrid connections, limits and timeouts");
  app.add_option("--log-level", log_level, "Log level: Debug, Verbose, Info (default), Warning, Error, None");
  app.footer("Exit status: 0 after SIGINT/SIGTERM, 1 runtime failure (e.g. the port is taken), 2 usage error.");

  if (!parse_subcommand(app, "azbridge relay", args)) return 0;

  log::settings logging = log::current();
  logging.min_level = log::level::info;  // a server: say when it listens and who attaches
  if (!log_level.empty()) {
    auto level = log::parse_level(log_level);
    if (!level) throw usage_error("unknown --log-level '" + log_level + "'");
    logging.min_level = *level;
  }
  log::configure(logging);

  relay_server::relay_options options;
  if (!config_file.empty()) relay_server::load_config_file(config_file, options);
  if (obind->count()) {
    auto b = relay_server::parse_bind(bind);
    if (!b) throw usage_error("--bind '" + bind + "': " + b.error());
    options.bind_host = b->host;
    if (b->port) options.bind_port = b->port;
  }
  if (ocert->count()) options.tls_cert_file = cert;
  if (okey->count()) options.tls_key_file = key;
  if (onotls->count()) options.no_tls = no_tls;
  options.tls = !options.no_tls;
  if (okn->count() != okv->count()) {
    throw usage_error("--shared-access-key-name and --shared-access-key must be given together");
  }
  if (okn->count()) {
    relay_server::shared_access_policy policy;
    policy.name = key_name;
    policy.key = key_value;
    policy.rights = {true, true, true};
    options.policies.push_back(std::move(policy));
  }
  for (const auto& name : hybrid_connections) {
    relay_server::hybrid_connection_settings hc;
    hc.name = name;
    options.hybrid_connections.push_back(std::move(hc));
  }
  if (auto problem = relay_server::validate(options)) throw usage_error(*problem);
  return relay_server::run(std::move(options));
}

}  // namespace

int run_relay(const std::vector<std::string>& args) {
  try {
    return run_relay_command(args);
  } catch (const user_error& e) {
    std::fprintf(stderr, "azbridge relay: %s\n", e.what());
    return static_cast<int>(e.status());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "azbridge relay: %s\n", e.what());
    return static_cast<int>(exit_status::failure);
  }
}

}  // namespace azbridge::cli
