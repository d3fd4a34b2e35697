// -L/-T/-R/-H expression parsers: azbridge's algorithms (azbridge-compat.md §1.4), step by step.
#include "azbridge/config/grammar.hpp"

#include "azbridge/config/validate.hpp"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

namespace azbridge::config {
namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    auto pos = text.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, pos - start));
    start = pos + 1;
  }
}

// Builds the messages of one expression: "Invalid -L expression: '<expr>'" for structure errors and
// "Invalid -L expression '<expr>': <detail>" for a bad field.
struct reporter {
  std::string_view option;
  std::string_view expr;

  failure structure() const { return {fmt::format("Invalid {} expression: '{}'", option, expr)}; }
  failure port() const { return {fmt::format("Invalid {} 'port' expression: '{}'", option, expr)}; }
  failure field(const std::string& detail) const {
    return {fmt::format("Invalid {} expression '{}': {}", option, expr, detail)};
  }
  std::string origin() const { return fmt::format("{} {}", option, expr); }
};

// Validates the fields every remote binding shares; returns a failure message or nullopt.
std::optional<std::string> check_remote_binding(const remote_forward_binding& b) {
  if (b.is_socket()) {
    if (auto e = validate::local_socket(b.local_socket, "LocalSocket")) return e;
  } else {
    if (auto e = validate::host_port(b.host_port)) return e;
    if (auto e = validate::host(b.host)) return e;
  }
  if (!b.port_name.empty()) {
    if (auto e = validate::port_name(b.port_name)) return e;
  }
  return std::nullopt;
}

// -T (new_format) and -R (legacy): ParseRemoteForward.
expected<remote_forward> parse_remote(std::string_view expr, bool new_format) {
  reporter r{new_format ? "-T" : "-R", expr};
  auto colon = expr.find(':');
  if (colon == std::string_view::npos) return r.structure();
  remote_forward fwd;
  fwd.origin = r.origin();
  fwd.relay_name = validate::trim_quotes(expr.substr(0, colon));
  if (auto e = validate::relay_name(fwd.relay_name)) return r.field(*e);

  for (auto target : split(expr.substr(colon + 1), ';')) {
    auto parts = split(target, ':');
    if (parts.size() > 2) return r.structure();
    remote_forward_binding b;
    if (parts.size() == 1) {
      auto seg = split(parts[0], '/');
      if (seg.size() > 2) return r.structure();
      auto port_string = validate::trim_quotes(seg.size() > 1 ? seg[1] : seg[0]);
      b.port_name = validate::trim_quotes(seg[0]);
      if (auto port = validate::parse_port_token(port_string)) {
        b.host = "localhost";
        b.host_port = *port;
      } else {
        if (auto e = validate::local_socket(port_string, "LocalSocket")) return r.field(*e);
        b.local_socket = port_string;
      }
    } else if (new_format) {
      // [port_name/]host:port
      auto seg = split(parts[0], '/');
      if (seg.size() > 2) return r.structure();
      auto port = validate::parse_port_token(validate::trim_quotes(parts[1]));
      if (!port) return r.port();
      b.port_name = validate::trim_quotes(seg.size() > 1 ? seg[0] : parts[1]);
      b.host = validate::trim_quotes(seg.size() > 1 ? seg[1] : seg[0]);
      b.host_port = *port;
    } else {
      // legacy: host:[port_name/]port
      auto seg = split(parts[1], '/');
      if (seg.size() > 2) return r.structure();
      auto port = validate::parse_port_token(validate::trim_quotes(seg.size() > 1 ? seg[1] : seg[0]));
      if (!port) return r.port();
      b.port_name = validate::trim_quotes(seg[0]);
      b.host = validate::trim_quotes(parts[0]);
      b.host_port = *port;
    }
    if (auto e = check_remote_binding(b)) return r.field(*e);
    fwd.bindings.push_back(std::move(b));
  }
  return fwd;
}

}  // namespace

expected<local_forward> parse_local_forward(std::string_view expr) {
  reporter r{"-L", expr};
  auto colon = expr.rfind(':');
  if (colon == std::string_view::npos) return r.structure();
  local_forward fwd;
  fwd.origin = r.origin();
  fwd.relay_name = validate::trim_quotes(expr.substr(colon + 1));
  if (auto e = validate::relay_name(fwd.relay_name)) return r.field(*e);

  for (auto binding : split(expr.substr(0, colon), ';')) {
    auto parts = split(binding, ':');
    if (parts.size() > 2) return r.structure();
    auto seg = split(parts.back(), '/');
    // Extra '/' segments beyond the second are ignored, as azbridge does.
    auto port_string = validate::trim_quotes(seg[0]);
    local_forward_binding b;
    b.port_name = validate::trim_quotes(seg.size() > 1 ? seg[1] : seg[0]);
    auto port = validate::parse_port_token(port_string);
    if (parts.size() == 1) {
      if (port) {
        b.bind_address = "localhost";
        b.bind_port = *port;
      } else {
        if (auto e = validate::local_socket(port_string, "BindLocalSocket")) return r.field(*e);
        b.bind_local_socket = port_string;
      }
    } else {
      if (!port) return r.port();
      b.bind_address = validate::trim_quotes(parts[0]);
      b.bind_port = *port;
      // Syntax only here; load() checks that the address is local (that needs the resolver).
      if (auto e = validate::bind_address(b.bind_address, nullptr, "BindAddress")) return r.field(*e);
    }
    if (b.is_socket()) {
      if (auto e = validate::local_socket(b.bind_local_socket, "BindLocalSocket")) return r.field(*e);
    } else if (auto e = validate::bind_port(b.bind_port)) {
      return r.field(*e);
    }
    if (auto e = validate::port_name(b.port_name)) return r.field(*e);
    fwd.bindings.push_back(std::move(b));
  }
  return fwd;
}

expected<remote_forward> parse_remote_forward(std::string_view expr) { return parse_remote(expr, true); }

expected<remote_forward> parse_remote_forward_legacy(std::string_view expr) { return parse_remote(expr, false); }

expected<remote_forward> parse_remote_http_forward(std::string_view expr) {
  reporter r{"-H", expr};
  auto colon = expr.find(':');
  if (colon == std::string_view::npos) return r.structure();
  remote_forward fwd;
  fwd.origin = r.origin();
  fwd.relay_name = validate::trim_quotes(expr.substr(0, colon));
  if (auto e = validate::relay_name(fwd.relay_name)) return r.field(*e);

  for (auto target : split(expr.substr(colon + 1), ';')) {
    auto parts = split(target, ':');
    if (parts.size() > 2) return r.structure();
    auto seg = split(parts[0], '/');
    remote_forward_binding b;
    b.port_name = validate::trim_quotes(seg[0]);
    if (b.port_name != "http" && b.port_name != "https") {
      return failure{fmt::format("Invalid -H expression. Must use 'http/' or 'https/' port name: '{}'", expr)};
    }
    if (seg.size() < 2 || seg[1].empty()) return r.structure();
    b.host = validate::trim_quotes(seg[1]);
    if (seg.size() > 2) {
      for (std::size_t i = 2; i < seg.size(); ++i) b.path.append("/").append(seg[i]);
      b.path += '/';
    }
    if (parts.size() == 2) {
      auto port = validate::parse_int(validate::trim_quotes(parts[1]));
      if (!port) return r.port();
      b.host_port = *port;
      if (b.host_port < 0) return r.field(fmt::format("Invalid HostPort value: {}. HTTP targets need a TCP port", *port));
    } else {
      b.host_port = b.port_name == "https" ? 443 : 80;
    }
    b.http = true;
    if (auto e = check_remote_binding(b)) return r.field(*e);
    fwd.bindings.push_back(std::move(b));
  }
  return fwd;
}

}  // namespace azbridge::config
