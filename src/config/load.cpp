// The configuration pipeline: files, -o overrides, command-line scalars and forwards, in azbridge's order.
#include "azbridge/config/load.hpp"

#include "azbridge/config/grammar.hpp"
#include "azbridge/config/yaml.hpp"
#include "azbridge/util/error.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

namespace azbridge::config {
namespace {

constexpr std::uintmax_t max_file_size = 1024 * 1024;  // a configuration file is small; refuse anything huge

template <class T>
T value_or_throw(expected<T> r) {
  if (!r) throw usage_error(r.error());
  return std::move(*r);
}

void throw_if(const std::optional<std::string>& error) {
  if (error) throw usage_error(*error);
}

std::string unbracket(const std::string& s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
  return s;
}

// -o key:value, split on the first ':' (azbridge splits on every ':' and truncates values).
config options_layer(const std::vector<std::string>& options, const locality_check& is_local) {
  config layer;
  for (const auto& option : options) {
    auto colon = option.find(':');
    if (colon == std::string::npos) {
      throw usage_error(fmt::format("Invalid -o value '{}'. Expected key:value, e.g. -o LogLevel:INFO", option));
    }
    auto key = validate::trim_quotes(option.substr(0, colon));
    auto value = validate::trim_quotes(option.substr(colon + 1));
    if (auto e = apply_scalar_override(layer, key, value, is_local)) {
      auto shown = is_secret_key(key) ? key + ":***" : option;
      throw usage_error(fmt::format("-o '{}': {}", shown, *e));
    }
  }
  return layer;
}

void check_local_bind_addresses(const local_forward& f, std::string_view expr, const locality_check& is_local) {
  for (const auto& b : f.bindings) {
    if (b.bind_address.empty()) continue;
    if (auto e = validate::bind_address(b.bind_address, is_local, "BindAddress")) {
      throw usage_error(fmt::format("Invalid -L expression '{}': {}", expr, *e));
    }
  }
}

// Step 4 of §1.5: the command-line scalars, in azbridge's fixed order.
void apply_scalars(config& c, const command_line& cl, const locality_check& is_local) {
  if (cl.log_file) c.log_file_name = *cl.log_file;
  if (cl.verbose) c.log_level = "VERBOSE";
  if (cl.bind_address) {
    auto v = validate::trim_quotes(*cl.bind_address);
    throw_if(validate::bind_address(v, is_local));
    c.bind_address = unbracket(v);
  }
  if (cl.endpoint_uri) {
    auto v = validate::trim_quotes(*cl.endpoint_uri);
    throw_if(validate::endpoint(v));
    c.connection.endpoint = v;
  }
  if (cl.gateway_ports) c.gateway_ports = true;
  if (cl.quiet) c.log_level = "NONE";
  if (cl.shared_access_key) {
    auto v = validate::trim_quotes(*cl.shared_access_key);
    throw_if(validate::key(v));
    c.connection.shared_access_key = v;
  }
  if (cl.shared_access_key_name) {
    auto v = validate::trim_quotes(*cl.shared_access_key_name);
    throw_if(validate::key_name(v));
    c.connection.shared_access_key_name = v;
  }
  if (cl.signature) {
    auto v = validate::trim_quotes(*cl.signature);
    throw_if(validate::signature(v));
    c.connection.shared_access_signature = v;
  }
  if (cl.connection_string) {
    c.connection = value_or_throw(validate::connection_string(validate::trim_quotes(*cl.connection_string)));
  }
  if (cl.keep_alive_interval) {
    auto v = validate::trim_quotes(*cl.keep_alive_interval);
    auto n = validate::parse_int(v);
    if (!n) throw usage_error(fmt::format("Invalid -a/KeepAliveInterval value: '{}'. Must be a number of seconds", v));
    throw_if(validate::keep_alive_interval(*n));
    c.keep_alive_interval = *n;
  }
}

}  // namespace

load_paths default_paths() {
  load_paths p;
  p.machine_file = "/etc/azbridge/azbridge_config.machine.yml";
  if (const char* home = std::getenv("HOME"); home && *home) {
    p.user_file = std::filesystem::path(home) / ".azbridge" / "azbridge_config.yml";
  }
  return p;
}

config load_file(const std::filesystem::path& path, bool required, const locality_check& is_local) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    if (required) throw usage_error(fmt::format("The config file was not found: {}", path.string()));
    return {};
  }
  if (std::filesystem::is_directory(status)) {
    throw usage_error(fmt::format("{}: is a directory, not a configuration file", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw usage_error(fmt::format("{}: cannot be read (permission denied?)", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > max_file_size) {
    throw usage_error(fmt::format("{}: too large for a configuration file (over 1 MiB)", path.string()));
  }
  return value_or_throw(load_yaml(text.str(), yaml_source{path.string(), is_local}));
}

config load(const command_line& cl, const load_paths& paths, const locality_check& is_local) {
  config c = load_file(paths.machine_file, false, is_local);
  if (cl.config_file) {
    merge(c, load_file(*cl.config_file, true, is_local));
  } else if (paths.user_file) {
    merge(c, load_file(*paths.user_file, false, is_local));
  }
  if (!cl.options.empty()) merge(c, options_layer(cl.options, is_local));
  apply_scalars(c, cl, is_local);

  for (const auto& expr : cl.local_forwards) {
    auto f = value_or_throw(parse_local_forward(expr));
    check_local_bind_addresses(f, expr, is_local);
    c.local_forwards.push_back(std::move(f));
  }
  for (const auto& expr : cl.remote_forwards_legacy) c.remote_forwards.push_back(value_or_throw(parse_remote_forward_legacy(expr)));
  for (const auto& expr : cl.remote_forwards) c.remote_forwards.push_back(value_or_throw(parse_remote_forward(expr)));
  for (const auto& expr : cl.remote_http_forwards) c.remote_forwards.push_back(value_or_throw(parse_remote_http_forward(expr)));
  return c;
}

void check_runnable(const config& c) {
  if (!c.has_forwards()) throw usage_error("You must specify at least one -L or -T forwarder.");
  bool needs_global = false;
  for (const auto& f : c.local_forwards) needs_global |= !f.connection.has_value();
  for (const auto& f : c.remote_forwards) needs_global |= !f.connection.has_value();
  if (needs_global && c.connection.endpoint.empty()) {
    throw usage_error(
        "Connection string(s) undefined; -x/AzureRelayConnectionString and no endpoint defined -e. azbridge -h for "
        "help.");
  }
  if (!c.connection.endpoint.empty()) {
    if (auto e = c.connection.validate()) {
      throw usage_error(fmt::format("Invalid connection settings (from -x/-e/-K/-k/-s and the configuration files): {}",
                                    *e));
    }
  }
}

}  // namespace azbridge::config
