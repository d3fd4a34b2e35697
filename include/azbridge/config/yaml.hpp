// azbridge's YAML configuration schema (azbridge-compat.md §2): loading one document into a config layer,
// and printing a config back in the same schema (--print-config, round trips).
//
// Keys are azbridge's exact PascalCase property names; an unknown key, a value of the wrong type or a value
// that fails validation is an error naming the source, the line and the key:
//   "/etc/azbridge/azbridge_config.machine.yml:12: unknown key 'Fompa'"
// Booleans: true|y|yes|on / false|n|no|off (any case). An empty value (`Key:`, `~`, `null`, "") means unset.
#pragma once

#include "azbridge/config/config.hpp"
#include "azbridge/config/validate.hpp"
#include "azbridge/util/expected.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace azbridge::config {

struct yaml_source {
  std::string name;         // file path (or a description) used as the prefix of every message
  locality_check is_local;  // checks BindAddress values; empty = syntax checks only (no DNS)
};

/// Parses one YAML document into a config layer (not merged with anything). Never throws: yaml-cpp's
/// exceptions and validation failures come back as the failure message. An empty document is an empty layer.
expected<config> load_yaml(std::string_view text, const yaml_source& source);

/// Applies one top-level `key: value` (an `-o key:value` override) to a layer, with the same rules as the
/// file loader; the value is taken literally as a scalar (no YAML interpretation). nullopt on success, else
/// the message (without prefix). Lists (LocalForward, RemoteForward) cannot be set this way.
std::optional<std::string> apply_scalar_override(config& layer, std::string_view key, std::string_view value,
                                                 const locality_check& is_local);

/// True for the top-level keys whose values are secrets (connection string, key, signature).
bool is_secret_key(std::string_view key);

enum class secrets { redact, show };

/// The configuration as YAML in azbridge's schema: top-level keys in azbridge's order, unset scalars omitted,
/// forwards always in the full `Bindings:` form with effective port names. With secrets::redact (the default)
/// SharedAccessKey and SharedAccessSignature values are "***". load_yaml(to_yaml(c, secrets::show)) == c.
std::string to_yaml(const config& c, secrets s = secrets::redact);

}  // namespace azbridge::config
