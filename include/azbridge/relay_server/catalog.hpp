// Which hybrid connection a request path refers to. Names may contain '/', so a path "a/b/c" is matched
// against the longest name that is a prefix at a segment boundary ("a/b" with suffix "c").
// Configured mode: only the configured names exist. Open mode (no names configured): a listener creates the
// name it listens on; senders reach the longest name that currently has listeners.
#pragma once

#include "azbridge/relay_server/options.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace azbridge::relay_server {

struct resolved_hc {
  std::string name;    // display name (configured spelling, or the path as first seen)
  std::string key;     // lower-case lookup key
  std::string suffix;  // rest of the path after the name, without leading '/'
  const hybrid_connection_settings* settings = nullptr;  // never null
};

class hc_catalog {
 public:
  explicit hc_catalog(std::vector<hybrid_connection_settings> configured);

  bool open_mode() const noexcept { return configured_.empty(); }

  /// A listener's path must name a hybrid connection exactly.
  std::optional<resolved_hc> resolve_listen(std::string_view path) const;

  /// A sender's path: the longest matching name. `has_listeners(key)` tells which names are live (open mode).
  /// In open mode a path that matches no live name resolves to its first segment (which has no listener).
  std::optional<resolved_hc> resolve_send(std::string_view path,
                                          const std::function<bool(const std::string&)>& has_listeners) const;

  static std::string key_of(std::string_view name);
  /// Letters, digits, '.', '-', '_' and '/' (not leading, trailing or doubled), at most 260 characters.
  static bool valid_name(std::string_view name);

 private:
  const hybrid_connection_settings* find(const std::string& key) const;

  std::vector<hybrid_connection_settings> configured_;
  std::vector<std::string> keys_;
  hybrid_connection_settings open_default_;
};

}  // namespace azbridge::relay_server
