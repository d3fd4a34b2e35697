// `azbridge token`: prints a SAS token (exactly as the .NET SDK makes them) that a device can use with -s.
//   azbridge token -x CONNECTION_STRING [--relay NAME] [--ttl SECONDS]
//   azbridge token -e sb://ns.servicebus.windows.net/ -K KEYNAME -k KEY [--relay NAME] [--ttl SECONDS]
// The token is signed for the relay's URI (endpoint + relay name; --relay, else the connection string's
// EntityPath) or, without a relay, for the whole namespace.
#include "azbridge/cli/commands.hpp"
#include "azbridge/cli/options.hpp"
#include "azbridge/config/config.hpp"
#include "azbridge/config/validate.hpp"
#include "azbridge/protocol/sas.hpp"
#include "azbridge/util/error.hpp"
#include "subcommand.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdio>

namespace azbridge::cli {
namespace {

constexpr std::array<option_spec, 8> token_specs{{
    {"x", "connection-string", true, false, true},
    {"e", "endpoint-uri", true, false, false},
    {"K", "shared-access-key-name", true, false, false},
    {"k", "shared-access-key", true, false, true},
    {"", "relay", true, false, false},
    {"", "ttl", true, false, false},
    {"h", "help", false, true, false},
    {"?", "help", false, true, false},
}};

constexpr int default_ttl_seconds = 3600;            // the SDK's token lifetime
constexpr int max_ttl_seconds = 10 * 366 * 24 * 3600;  // ten years: anything longer is a mistake

template <class T>
T or_throw(expected<T> r) {
  if (!r) throw usage_error("token: " + r.error());
  return std::move(*r);
}

void throw_if(const std::optional<std::string>& e) {
  if (e) throw usage_error("token: " + *e);
}

}  // namespace

int run_token(const std::vector<std::string>& args) {
  CLI::App app{"Print a Shared Access Signature token for a relay (or the whole namespace) to use with -s.",
               "azbridge token"};
  app.set_help_flag("-h,-?,--help", "Show help information");
  std::string x, e, K, k, relay, ttl;
  auto* ox = app.add_option("-x,--connection-string", x, "Azure Relay connection string with SharedAccessKeyName "
                                                          "and SharedAccessKey");
  auto* oe = app.add_option("-e,--endpoint-uri", e, "Relay endpoint URI (overrides the one in -x)");
  auto* oK = app.add_option("-K,--shared-access-key-name", K, "Shared access policy name (overrides -x)");
  auto* ok = app.add_option("-k,--shared-access-key", k, "Shared access policy key (overrides -x)");
  auto* orelay = app.add_option("--relay", relay, "Relay (hybrid connection) name; default: EntityPath of -x, "
                                                  "else a namespace-wide token");
  auto* ottl = app.add_option("--ttl", ttl, "Lifetime in seconds (default 3600)");
  app.footer("Exit status: 0 success, 2 usage error. The token is printed on stdout.");

  if (!parse_subcommand(app, "azbridge token", normalize_argv(args, token_specs), "token: ")) return 0;

  protocol::connection_string cs;
  if (ox->count()) cs = or_throw(config::validate::connection_string(config::validate::trim_quotes(x)));
  if (oe->count()) {
    cs.endpoint = config::validate::trim_quotes(e);
    throw_if(config::validate::endpoint(cs.endpoint));
  }
  if (oK->count()) {
    cs.shared_access_key_name = config::validate::trim_quotes(K);
    throw_if(config::validate::key_name(cs.shared_access_key_name));
  }
  if (ok->count()) {
    cs.shared_access_key = config::validate::trim_quotes(k);
    throw_if(config::validate::key(cs.shared_access_key));
  }
  if (cs.endpoint.empty()) throw usage_error("token: no endpoint; give -x CONNECTION_STRING or -e ENDPOINT_URI");
  if (cs.shared_access_key_name.empty() || cs.shared_access_key.empty()) {
    throw usage_error("token: signing needs a SharedAccessKeyName and a SharedAccessKey (-x, or -K and -k)");
  }
  if (orelay->count()) {
    cs.entity_path = config::validate::trim_quotes(relay);
    throw_if(config::validate::relay_name(cs.entity_path));
  }
  int seconds = default_ttl_seconds;
  if (ottl->count()) {
    auto n = config::validate::parse_int(ttl);
    if (!n || *n < 1 || *n > max_ttl_seconds) {
      throw usage_error(fmt::format("token: Invalid --ttl value '{}'. Must be 1..{} seconds", ttl, max_ttl_seconds));
    }
    seconds = *n;
  }
  auto token = protocol::sas::make_token(config::entity_uri(cs), cs.shared_access_key_name, cs.shared_access_key,
                                         std::chrono::seconds(seconds));
  std::printf("%s\n", token.c_str());
  return 0;
}

}  // namespace azbridge::cli
