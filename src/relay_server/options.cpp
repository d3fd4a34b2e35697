// relay_options helpers: rights, --bind parsing, validation.
#include "azbridge/relay_server/options.hpp"

#include <boost/algorithm/string/predicate.hpp>

#include <charconv>

namespace azbridge::relay_server {

std::string access_rights::to_string() const {
  std::string out;
  auto add_name = [&](bool on, const char* name) {
    if (!on) return;
    if (!out.empty()) out += ", ";
    out += name;
  };
  add_name(listen, "Listen");
  add_name(send, "Send");
  add_name(manage, "Manage");
  return out.empty() ? "none" : out;
}

bool access_rights::add(std::string_view name) {
  if (boost::algorithm::iequals(name, "Listen")) {
    listen = true;
  } else if (boost::algorithm::iequals(name, "Send")) {
    send = true;
  } else if (boost::algorithm::iequals(name, "Manage")) {
    manage = true;
  } else {
    return false;
  }
  return true;
}

namespace {

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

expected<bind_address> parse_bind(std::string_view text) {
  if (text.empty()) return failure{"the bind address is empty"};
  bind_address out;
  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return failure{"missing ']' in IPv6 bind address"};
    out.host = std::string(text.substr(1, close - 1));
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return failure{"expected ':PORT' after ']'"};
      auto port = parse_port(rest.substr(1));
      if (!port) return failure{"invalid port '" + std::string(rest.substr(1)) + "'"};
      out.port = port;
    }
  } else if (auto port = parse_port(text)) {
    out.host = "127.0.0.1";
    out.port = port;
  } else {
    auto colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') == colon) {
      out.host = std::string(text.substr(0, colon));
      auto p = parse_port(text.substr(colon + 1));
      if (!p) return failure{"invalid port '" + std::string(text.substr(colon + 1)) + "'"};
      out.port = p;
    } else {
      out.host = std::string(text);  // a host name, or a bare IPv6 address without port
    }
  }
  if (out.host.empty()) return failure{"the bind address has no host"};
  return out;
}

std::optional<std::string> validate(const relay_options& o) {
  if (o.no_tls && (!o.tls_cert_file.empty() || !o.tls_key_file.empty())) {
    return "--no-tls cannot be combined with --tls-cert/--tls-key";
  }
  if (!o.no_tls) {
    if (o.tls_cert_file.empty() && o.tls_key_file.empty()) {
      return "TLS is required: give --tls-cert FILE and --tls-key FILE, or --no-tls to serve plain ws:// "
             "(for tests on loopback only)";
    }
    if (o.tls_cert_file.empty()) return "--tls-key needs --tls-cert FILE as well";
    if (o.tls_key_file.empty()) return "--tls-cert needs --tls-key FILE as well";
  }
  bool any_policy = !o.policies.empty();
  for (const auto& hc : o.hybrid_connections) any_policy = any_policy || !hc.policies.empty();
  if (!any_policy) {
    return "no shared access policy: give --shared-access-key-name NAME and --shared-access-key KEY, or "
           "sharedAccessPolicies in the config file";
  }
  auto check_policy = [](const shared_access_policy& p) -> std::optional<std::string> {
    if (p.name.empty()) return std::string("a shared access policy has no name");
    if (p.name.size() > 256) return "the shared access policy name '" + p.name.substr(0, 32) + "...' is longer than 256";
    if (p.key.empty()) return "the shared access policy '" + p.name + "' has no key";
    if (p.key.size() > 256) return "the key of shared access policy '" + p.name + "' is longer than 256 characters";
    if (!p.rights.listen && !p.rights.send && !p.rights.manage) {
      return "the shared access policy '" + p.name + "' has no rights (Listen, Send, Manage)";
    }
    return std::nullopt;
  };
  for (const auto& p : o.policies) {
    if (auto e = check_policy(p)) return e;
  }
  for (std::size_t i = 0; i < o.hybrid_connections.size(); ++i) {
    const auto& hc = o.hybrid_connections[i];
    if (hc.name.empty() || hc.name.front() == '/' || hc.name.back() == '/' || hc.name.size() > 260) {
      return "invalid hybrid connection name '" + hc.name + "'";
    }
    for (char c : hc.name) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '-' || c == '_' || c == '/';
      if (!ok) return "invalid character in hybrid connection name '" + hc.name + "' (allowed: letters, digits, . - _ /)";
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (boost::algorithm::iequals(o.hybrid_connections[j].name, hc.name)) {
        return "hybrid connection '" + hc.name + "' is listed twice";
      }
    }
    for (const auto& p : hc.policies) {
      if (auto e = check_policy(p)) return e;
    }
  }
  const auto& l = o.limits;
  if (l.max_connections == 0) return "limits.maxConnections must be at least 1";
  if (l.max_listeners_per_hybrid_connection == 0) return "limits.maxListenersPerHybridConnection must be at least 1";
  if (l.max_message_bytes < 1024) return "limits.maxMessageBytes must be at least 1024";
  if (l.max_request_header_bytes < 1024) return "limits.maxRequestHeaderBytes must be at least 1024";
  if (l.max_control_message_bytes < 64 * 1024) return "limits.maxControlMessageBytes must be at least 65536";
  if (l.splice_buffer_bytes < 1024 || l.splice_buffer_bytes > 16 * 1024 * 1024) {
    return "limits.spliceBufferBytes must be between 1024 and 16777216";
  }
  const auto& t = o.timeouts;
  for (auto [value, name] : {std::pair{t.handshake, "handshake"}, {t.rendezvous, "rendezvous"},
                             {t.response, "response"}, {t.control_idle, "controlIdle"},
                             {t.keep_alive, "keepAlive"}, {t.shutdown, "shutdown"}}) {
    if (value.count() <= 0) return std::string("timeouts.") + name + " must be positive";
  }
  if (t.token_grace.count() < 0 || t.clock_skew.count() < 0) return "timeouts.tokenGrace and clockSkew must not be negative";
  return std::nullopt;
}

}  // namespace azbridge::relay_server
