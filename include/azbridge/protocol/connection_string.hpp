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
  std::string endpoint;                 // absolute URI as given (blanks trimmed), e.g. "sb://ns.servicebus.windows.net/"
  std::string entity_path;              // EntityPath
  std::string shared_access_key_name;   // SharedAccessKeyName
  std::string shared_access_key;        // SharedAccessKey (base64 text; used as UTF-8 bytes for HMAC)
  std::string shared_access_signature;  // SharedAccessSignature (a pre-issued token)
  std::optional<std::chrono::milliseconds> operation_timeout;  // OperationTimeout (TimeSpan), default 1 min
  bool managed_identity = false;        // Authentication=ManagedIdentity

  /// Splits on ';' (empty entries skipped), each pair on the first '=', keys case-insensitive; unknown keys,
  /// pairs without '=', an Endpoint that is not an absolute URI, and an OperationTimeout that is not a positive
  /// TimeSpan ("00:01:00") are errors with the SDK's messages. A later duplicate key wins.
  /// Authentication: spaces removed, "ManagedIdentity" (any case) sets managed_identity, anything else clears it.
  /// Does not validate combinations (see validate()).
  static expected<connection_string> parse(std::string_view text);

  /// nullopt when valid, else the reason: Endpoint required, SAS not with key/key name,
  /// key name and key together, ManagedIdentity not with SAS fields.
  std::optional<std::string> validate() const;

  /// The endpoint as System.Uri.AbsoluteUri prints it: scheme and host lower-case, a bare "sb://host" gets its
  /// trailing '/', default ports of http/https/ws/wss dropped. The text as given if it does not parse.
  std::string absolute_endpoint() const;

  /// The SDK's ToString(): "Endpoint=<absolute_endpoint()>;[EntityPath=...;][SharedAccessKeyName=...;]
  /// [SharedAccessKey=...;][SharedAccessSignature=...;][OperationTimeout=<TimeSpan>;  (when not 1 min)]
  /// [Authentication=Managed Identity;]" with a trailing ';'. Blank fields are omitted. Does not validate:
  /// call validate() first where the SDK would throw.
  std::string to_string() const;

  /// The same with SharedAccessKey and SharedAccessSignature values replaced by "***" (for logs and --print-config).
  std::string to_redacted_string() const;
};

}  // namespace azbridge::protocol
