// Loading azbridge's YAML schema (azbridge-compat.md §2.2-2.5) with yaml-cpp. Keys are set in document
// order, as YamlDotNet does: AzureRelayConnectionString replaces the whole connection, so an
// AzureRelayEndpoint line before it is lost; entry shortcut keys (BindPort, Host, ...) write Bindings[0].
#include "azbridge/config/yaml.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace azbridge::config {
namespace {

struct load_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_unset(const YAML::Node& n) { return !n.IsDefined() || n.IsNull() || (n.IsScalar() && n.Scalar().empty()); }

class loader {
 public:
  explicit loader(const yaml_source& src) : src_(src) {}

  config load_document(const YAML::Node& root) {
    config c;
    if (is_unset(root)) return c;
    if (!root.IsMap()) fail(root, "the document must be a mapping of configuration keys");
    for (auto it = root.begin(); it != root.end(); ++it) set_top(c, key_of(it->first), it->first, it->second);
    return c;
  }

  void set_top(config& c, const std::string& key, const YAML::Node& at, const YAML::Node& v) {
    if (key == "LocalForward") return load_list(v, key, [&](const YAML::Node& n) { c.local_forwards.push_back(local_entry(n)); });
    if (key == "RemoteForward") return load_list(v, key, [&](const YAML::Node& n) { c.remote_forwards.push_back(remote_entry(n)); });
    if (!is_known_top_key(key)) fail(at, fmt::format("unknown key '{}'", key));
    if (is_unset(v)) return;
    if (key == "AddressFamily") {
      c.address_family = checked(v, key, validate::address_family);
    } else if (key == "AzureRelayConnectionString") {
      auto cs = validate::connection_string(text(v, key), "-x/AzureRelayConnectionString");
      if (!cs) fail(v, cs.error());
      c.connection = std::move(*cs);
    } else if (key == "AzureRelayEndpoint") {
      c.connection.endpoint = checked(v, key, validate::endpoint);
    } else if (key == "AzureRelaySharedAccessKeyName") {
      c.connection.shared_access_key_name = checked(v, key, validate::key_name);
    } else if (key == "AzureRelaySharedAccessKey") {
      c.connection.shared_access_key = checked(v, key, validate::key);
    } else if (key == "AzureRelaySharedAccessSignature") {
      c.connection.shared_access_signature = checked(v, key, validate::signature);
    } else if (key == "BindAddress") {
      auto s = text(v, key);
      if (auto e = validate::bind_address(s, src_.is_local, "-b/BindAddress")) fail(v, *e);
      c.bind_address = unbracket(s);
    } else if (key == "ClearAllForwardings") {
      c.clear_all_forwardings = boolean(v, key);
    } else if (key == "ConnectionAttempts") {
      c.connection_attempts = ranged(v, key, validate::connection_attempts);
    } else if (key == "ConnectTimeout") {
      c.connect_timeout = ranged(v, key, validate::connect_timeout);
    } else if (key == "ExitOnForwardFailure") {
      c.exit_on_forward_failure = boolean(v, key);
    } else if (key == "GatewayPorts") {
      c.gateway_ports = boolean(v, key);
    } else if (key == "KeepAliveInterval") {
      c.keep_alive_interval = ranged(v, key, validate::keep_alive_interval);
    } else if (key == "LogFileName") {
      c.log_file_name = text(v, key);
    } else if (key == "LogLevel") {
      c.log_level = checked(v, key, validate::log_level);
    }
  }

 private:
  static bool is_known_top_key(std::string_view key) {
    static constexpr std::array<std::string_view, 15> keys{
        "AddressFamily", "AzureRelayConnectionString", "AzureRelayEndpoint", "AzureRelaySharedAccessKeyName",
        "AzureRelaySharedAccessKey", "AzureRelaySharedAccessSignature", "BindAddress", "ClearAllForwardings",
        "ConnectionAttempts", "ConnectTimeout", "ExitOnForwardFailure", "GatewayPorts", "KeepAliveInterval",
        "LogFileName", "LogLevel"};
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  }

  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
    YAML::Mark m = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
    if (src_.name.empty()) throw load_error(message);
    if (m.is_null()) throw load_error(fmt::format("{}: {}", src_.name, message));
    throw load_error(fmt::format("{}:{}: {}", src_.name, m.line + 1, message));
  }

  std::string key_of(const YAML::Node& k) const {
    if (!k.IsScalar()) fail(k, "keys must be plain names");
    return k.Scalar();
  }

  static std::string unbracket(const std::string& s) {
    if (s.size() >= 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
    return s;
  }

  std::string text(const YAML::Node& v, std::string_view key) const {
    if (!v.IsScalar()) fail(v, fmt::format("'{}' must be a single value, not a list or mapping", key));
    return validate::trim_quotes(v.Scalar());
  }

  template <class Check>
  std::string checked(const YAML::Node& v, std::string_view key, Check check) const {
    auto s = text(v, key);
    if (auto e = check(s)) fail(v, *e);
    return s;
  }

  int integer(const YAML::Node& v, std::string_view key) const {
    auto s = text(v, key);
    auto n = validate::parse_int(s);
    if (!n) fail(v, fmt::format("invalid value for '{}': '{}' is not an integer", key, s));
    return *n;
  }

  template <class Check>
  int ranged(const YAML::Node& v, std::string_view key, Check check) const {
    int n = integer(v, key);
    if (auto e = check(n)) fail(v, *e);
    return n;
  }

  bool boolean(const YAML::Node& v, std::string_view key) const {
    auto s = text(v, key);
    for (auto t : {"true", "y", "yes", "on"}) {
      if (iequals(s, t)) return true;
    }
    for (auto f : {"false", "n", "no", "off"}) {
      if (iequals(s, f)) return false;
    }
    fail(v, fmt::format("invalid value for '{}': '{}' is not a boolean (true/false, yes/no, y/n, on/off)", key, s));
  }

  template <class Each>
  void load_list(const YAML::Node& v, std::string_view key, Each each) {
    if (is_unset(v)) return;
    if (!v.IsSequence()) fail(v, fmt::format("'{}' must be a list of entries", key));
    for (const auto& item : v) each(item);
  }

  void require_map(const YAML::Node& n, std::string_view what) const {
    if (!n.IsMap()) fail(n, fmt::format("each {} must be a mapping of keys", what));
  }

  std::optional<protocol::connection_string> forward_connection(const YAML::Node& v) const {
    if (is_unset(v)) return std::nullopt;
    auto cs = validate::connection_string(text(v, "ConnectionString"), "ConnectionString");
    if (!cs) fail(v, cs.error());
    return std::move(*cs);
  }

  // ---- LocalForward ------------------------------------------------------------------------------------

  bool set_local_binding(local_forward_binding& b, const std::string& key, const YAML::Node& v) {
    if (key == "BindAddress") {
      if (is_unset(v)) return true;
      auto s = text(v, key);
      if (auto e = validate::bind_address(s, src_.is_local, "BindAddress")) fail(v, *e);
      b.bind_address = unbracket(s);
    } else if (key == "BindPort") {
      if (!is_unset(v)) b.bind_port = ranged(v, key, validate::bind_port);
    } else if (key == "BindLocalSocket") {
      if (!is_unset(v)) b.bind_local_socket = checked(v, key, [](std::string_view s) { return validate::local_socket(s, "BindLocalSocket"); });
    } else if (key == "PortName") {
      if (!is_unset(v)) b.port_name = checked(v, key, validate::port_name);
    } else if (key == "HostName") {
      if (!is_unset(v)) b.host_name = checked(v, key, validate::host_name);
    } else if (key == "NoAuthentication") {
      if (!is_unset(v)) b.no_authentication = boolean(v, key);
    } else {
      return false;
    }
    return true;
  }

  void check_local_binding(const local_forward_binding& b, const YAML::Node& at, const std::string& relay) const {
    if (b.bind_port == 0 && b.bind_local_socket.empty()) {
      fail(at, fmt::format("a binding of LocalForward '{}' needs BindPort or BindLocalSocket", relay));
    }
    if (b.bind_port != 0 && !b.bind_local_socket.empty()) {
      fail(at, fmt::format("a binding of LocalForward '{}' has both BindPort and BindLocalSocket; use one", relay));
    }
  }

  local_forward local_entry(const YAML::Node& n) {
    auto f = forward_entry<local_forward>(
        n, "LocalForward", "BindPort, BindLocalSocket or Bindings",
        [this](local_forward_binding& b, const std::string& key, const YAML::Node& v, bool) {
          return set_local_binding(b, key, v);
        },
        [](const std::string&) { return ""; });
    // Checked after the whole entry: shortcut keys after Bindings still modify Bindings[0].
    for (const auto& b : f.bindings) check_local_binding(b, n, f.relay_name);
    return f;
  }

  // What LocalForward and RemoteForward entries share: RelayName, ConnectionString, a Bindings list, and
  // shortcut keys that write Bindings[0]. set_binding(binding, key, value, in_bindings) knows the binding
  // keys; entry_hint(key) adds to the message for a key the entry level does not know.
  template <class Forward, class SetBinding, class EntryHint>
  Forward forward_entry(const YAML::Node& n, std::string_view kind, std::string_view binding_keys,
                        SetBinding set_binding, EntryHint entry_hint) {
    require_map(n, fmt::format("{} entry", kind));
    Forward f;
    f.origin = origin(n);
    for (auto it = n.begin(); it != n.end(); ++it) {
      auto key = key_of(it->first);
      const YAML::Node v = it->second;  // a copy: the iterator's proxy is a temporary
      if (key == "RelayName") {
        if (!is_unset(v)) f.relay_name = checked(v, key, validate::relay_name);
      } else if (key == "ConnectionString") {
        f.connection = forward_connection(v);
      } else if (key == "Bindings") {
        f.bindings.clear();
        load_list(v, key, [&](const YAML::Node& bn) {
          require_map(bn, fmt::format("{} binding", kind));
          typename decltype(f.bindings)::value_type b;
          for (auto bi = bn.begin(); bi != bn.end(); ++bi) {
            auto bkey = key_of(bi->first);
            if (!set_binding(b, bkey, bi->second, true)) {
              fail(bi->first, fmt::format("unknown key '{}' in a {} binding", bkey, kind));
            }
          }
          f.bindings.push_back(std::move(b));
        });
      } else {
        if (f.bindings.empty()) f.bindings.emplace_back();
        if (!set_binding(f.bindings.front(), key, v, false)) {
          fail(it->first, fmt::format("unknown key '{}' in a {} entry{}", key, kind, entry_hint(key)));
        }
      }
    }
    if (f.relay_name.empty()) fail(n, fmt::format("a {} entry needs a RelayName", kind));
    if (f.bindings.empty()) fail(n, fmt::format("{} '{}' has no binding ({})", kind, f.relay_name, binding_keys));
    return f;
  }

  // ---- RemoteForward -----------------------------------------------------------------------------------

  // Shortcut keys of an entry; Insecure and Path exist on bindings only (as in azbridge).
  bool set_remote_binding(remote_forward_binding& b, const std::string& key, const YAML::Node& v, bool in_bindings) {
    if (key == "Host") {
      if (!is_unset(v)) b.host = unbracket(checked(v, key, validate::host));
    } else if (key == "HostPort") {
      if (!is_unset(v)) b.host_port = ranged(v, key, validate::host_port);
    } else if (key == "LocalSocket") {
      if (!is_unset(v)) b.local_socket = checked(v, key, [](std::string_view s) { return validate::local_socket(s, "LocalSocket"); });
    } else if (key == "PortName") {
      if (!is_unset(v)) b.port_name = checked(v, key, validate::port_name);
    } else if (key == "Http") {
      if (!is_unset(v)) b.http = boolean(v, key);
    } else if (in_bindings && key == "Insecure") {
      if (!is_unset(v)) b.insecure = boolean(v, key);
    } else if (in_bindings && key == "Path") {
      if (!is_unset(v)) b.path = text(v, key);
    } else {
      return false;
    }
    return true;
  }

  void check_remote_binding(const remote_forward_binding& b, const YAML::Node& at, const std::string& relay) const {
    if (b.host_port == 0 && b.local_socket.empty()) {
      fail(at, fmt::format("a binding of RemoteForward '{}' needs HostPort or LocalSocket", relay));
    }
    if (b.host_port != 0 && !b.local_socket.empty()) {
      fail(at, fmt::format("a binding of RemoteForward '{}' has both HostPort and LocalSocket; use one", relay));
    }
    if (b.http) {
      auto name = b.effective_port_name();
      if (name != "http" && name != "https") {
        fail(at, fmt::format("an Http binding of RemoteForward '{}' needs PortName 'http' or 'https' (the target's "
                             "scheme), not '{}'", relay, name));
      }
      if (b.host_port < 0) fail(at, fmt::format("an Http binding of RemoteForward '{}' needs a TCP HostPort", relay));
    }
  }

  remote_forward remote_entry(const YAML::Node& n) {
    auto f = forward_entry<remote_forward>(
        n, "RemoteForward", "HostPort, LocalSocket or Bindings",
        [this](remote_forward_binding& b, const std::string& key, const YAML::Node& v, bool in_bindings) {
          return set_remote_binding(b, key, v, in_bindings);
        },
        [](const std::string& key) {
          return (key == "Insecure" || key == "Path") ? " (it exists only inside Bindings entries)" : "";
        });
    for (const auto& b : f.bindings) check_remote_binding(b, n, f.relay_name);
    return f;
  }

  std::string origin(const YAML::Node& n) const {
    auto m = n.Mark();
    return m.is_null() ? src_.name : fmt::format("{}:{}", src_.name, m.line + 1);
  }

  const yaml_source& src_;
};

}  // namespace

expected<config> load_yaml(std::string_view text, const yaml_source& source) {
  try {
    loader l(source);
    return l.load_document(YAML::Load(std::string(text)));
  } catch (const load_error& e) {
    return failure{e.what()};
  } catch (const YAML::Exception& e) {
    auto line = e.mark.is_null() ? std::string() : fmt::format(":{}", e.mark.line + 1);
    return failure{fmt::format("{}{}: invalid YAML: {}", source.name, line, e.msg)};
  } catch (const std::exception& e) {
    return failure{fmt::format("{}: invalid configuration: {}", source.name, e.what())};
  }
}

std::optional<std::string> apply_scalar_override(config& layer, std::string_view key, std::string_view value,
                                                 const locality_check& is_local) {
  if (key == "LocalForward" || key == "RemoteForward") {
    return fmt::format("'{}' is a list and cannot be set with -o; use -L/-T/-H or a configuration file", key);
  }
  yaml_source src{"", is_local};
  try {
    loader l(src);
    YAML::Node k(std::string{key});
    l.set_top(layer, std::string(key), k, YAML::Node(std::string(value)));
  } catch (const load_error& e) {
    return std::string(e.what());
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

bool is_secret_key(std::string_view key) {
  return key == "AzureRelayConnectionString" || key == "AzureRelaySharedAccessKey" ||
         key == "AzureRelaySharedAccessSignature" || key == "ConnectionString";
}

}  // namespace azbridge::config
