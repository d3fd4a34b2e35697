// Azure Relay connection strings, parsed and printed exactly as Microsoft.Azure.Relay's
// RelayConnectionStringBuilder does (see shared reference azbridge-compat.md §3.1-3.2).
#pragma once

#include "azbridge/util/expected.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace azbridge::protocol {

struct connection_string {
  std::string endpoint;                 // absolute URI as given, e.g. "sb://ns.servicebus.windows.net/"
  std::string entity_path;              // EntityPath
  std::string shared_access_key_name;   // SharedAccessKeyName
  std::string shared_access_key;        // SharedAccessKey (base64 text; used as UTF-8 bytes for HMAC)
  std::string shared_access_signature;  // SharedAccessSignature (a pre-issued token)
  std::optional<std::chrono::milliseconds> operation_timeout;  // OperationTimeout (TimeSpan), default 1 min
  bool managed_identity = false;        // Authentication=ManagedIdentity

  /// Splits on ';', each pair on the first '=', keys case-insensitive; unknown keys and pairs without
  /// '=' are errors. Does not validate combinations (see validate()).
  static expected<connection_string> parse(std::string_view text);

  /// nullopt when valid, else the reason: Endpoint required, SAS not with key/key name,
  /// key name and key together, ManagedIdentity not with SAS fields.
  std::optional<std::string> validate() const;

  /// The SDK's ToString(): "Endpoint=...;[EntityPath=...;][SharedAccessKeyName=...;]..." with a trailing ';'.
  std::string to_string() const;

  /// The same with SharedAccessKey and SharedAccessSignature values replaced by "***" (for logs and --print-config).
  std::string to_redacted_string() const;
};

}  // namespace azbridge::protocol
