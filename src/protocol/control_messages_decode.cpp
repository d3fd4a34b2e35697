// Tolerant decoding of control messages: never throws, ignores unknown fields, accepts the clients' variants.
#include "azbridge/protocol/control_messages.hpp"

#include "text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <limits>

namespace azbridge::protocol {
namespace {

namespace json = boost::json;

// JSON null counts as absent throughout, as it does for the .NET data contracts.
const json::value* field(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return (v && !v->is_null()) ? v : nullptr;
}

// An integer given as a JSON number (an integral double too) or as a decimal string; nullopt otherwise.
std::optional<std::int64_t> as_integer(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    const double d = v.get_double();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 1e15) return std::nullopt;
    return static_cast<std::int64_t>(d);
  }
  if (v.is_string()) {
    const std::string_view s = detail::trim(v.get_string());
    if (s.empty() || s.size() > 15) return std::nullopt;
    std::int64_t n = 0;
    for (const char c : s) {
      if (!detail::is_digit(c)) return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  }
  return std::nullopt;
}

// Reads an optional string field; false when present with another type.
bool read_string(const json::object& o, std::string_view name, std::optional<std::string>& out) {
  const json::value* v = field(o, name);
  if (!v) return true;
  if (!v->is_string()) return false;
  out = std::string(v->get_string());
  return true;
}

bool read_string(const json::object& o, std::string_view name, std::string& out) {
  std::optional<std::string> s;
  if (!read_string(o, name, s)) return false;
  if (s) out = std::move(*s);
  return true;
}

bool read_bool(const json::object& o, std::string_view name, std::optional<bool>& out) {
  const json::value* v = field(o, name);
  if (!v) return true;
  if (!v->is_bool()) return false;
  out = v->get_bool();
  return true;
}

// Header objects: string values are kept in order; values of other types are skipped (a listener cannot use
// them, and one odd header must not cost the whole message). Present but not an object is an error.
bool read_headers(const json::object& o, std::string_view name, header_list& out) {
  const json::value* v = field(o, name);
  if (!v) return true;
  if (!v->is_object()) return false;
  for (const auto& entry : v->get_object())
    if (entry.value().is_string()) out.emplace_back(std::string(entry.key()), std::string(entry.value().get_string()));
  return true;
}

// remoteEndpoint is informational: a malformed one is treated as absent.
std::optional<remote_endpoint> read_remote(const json::object& o) {
  const json::value* v = field(o, "remoteEndpoint");
  if (!v || !v->is_object()) return std::nullopt;
  const json::object& r = v->get_object();
  remote_endpoint out;
  const json::value* address = field(r, "address");
  const json::value* port = field(r, "port");
  if (!address || !address->is_string() || !port) return std::nullopt;
  const auto n = as_integer(*port);
  if (!n || *n < 0 || *n > 65535) return std::nullopt;
  out.address = std::string(address->get_string());
  out.port = static_cast<int>(*n);
  return out;
}

failure bad(std::string_view command, std::string_view what) {
  return failure{"malformed " + std::string(command) + " message: " + std::string(what)};
}

expected<accept_command> decode_accept(const json::object& o) {
  accept_command c;
  if (!field(o, "address")) return bad("accept", "no address");
  if (!read_string(o, "address", c.address)) return bad("accept", "address is not a string");
  if (!read_string(o, "id", c.id)) return bad("accept", "id is not a string");
  if (!read_headers(o, "connectHeaders", c.connect_headers)) return bad("accept", "connectHeaders is not an object");
  c.remote = read_remote(o);
  return c;
}

expected<request_command> decode_request(const json::object& o) {
  request_command c;
  if (!read_string(o, "address", c.address)) return bad("request", "address is not a string");
  if (!field(o, "id")) return bad("request", "no id");
  if (!read_string(o, "id", c.id)) return bad("request", "id is not a string");
  if (!read_string(o, "requestTarget", c.request_target)) return bad("request", "requestTarget is not a string");
  if (!read_string(o, "method", c.method)) return bad("request", "method is not a string");
  if (!read_headers(o, "requestHeaders", c.request_headers)) return bad("request", "requestHeaders is not an object");
  if (!read_bool(o, "body", c.body)) return bad("request", "body is not a boolean");
  c.remote = read_remote(o);
  return c;
}

expected<response_command> decode_response(const json::object& o) {
  response_command c;
  if (!field(o, "requestId")) return bad("response", "no requestId");
  if (!read_string(o, "requestId", c.request_id)) return bad("response", "requestId is not a string");
  const json::value* code = field(o, "statusCode");
  if (!code) return bad("response", "no statusCode");
  const auto n = as_integer(*code);
  if (!n || *n < 100 || *n > 999) return bad("response", "statusCode is not a number from 100 to 999");
  c.status_code = static_cast<int>(*n);
  if (!read_string(o, "statusDescription", c.status_description))
    return bad("response", "statusDescription is not a string");
  if (!read_headers(o, "responseHeaders", c.response_headers)) return bad("response", "responseHeaders is not an object");
  std::optional<bool> body;
  if (!read_bool(o, "body", body)) return bad("response", "body is not a boolean");
  c.body = body.value_or(false);
  return c;
}

expected<renew_token_command> decode_renew(const json::object& o) {
  renew_token_command c;
  if (!field(o, "token")) return bad("renewToken", "no token");
  if (!read_string(o, "token", c.token)) return bad("renewToken", "token is not a string");
  return c;
}

// Parses the text and returns the top-level object; the message text is never echoed (it may hold a token).
expected<json::object> parse_top(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return failure{"control message is not valid JSON: " + ec.message()};
  if (!v.is_object()) return failure{"control message is not a JSON object"};
  return std::move(v.get_object());
}

std::string unknown(const json::object& top) {
  if (top.empty()) return "unknown command: the message is an empty object";
  const std::string_view key = top.begin()->key();
  return "unknown command: " + std::string(key.substr(0, 64));
}

}  // namespace

expected<listener_command> decode_listener_command(std::string_view text) {
  auto top = parse_top(text);
  if (!top) return failure{top.error()};
  if (const json::value* v = top->if_contains("accept")) {
    if (!v->is_object()) return bad("accept", "not an object");
    auto c = decode_accept(v->get_object());
    if (!c) return failure{c.error()};
    return listener_command{std::move(*c)};
  }
  if (const json::value* v = top->if_contains("request")) {
    if (!v->is_object()) return bad("request", "not an object");
    auto c = decode_request(v->get_object());
    if (!c) return failure{c.error()};
    return listener_command{std::move(*c)};
  }
  return failure{unknown(*top)};
}

expected<listener_reply> decode_listener_reply(std::string_view text) {
  auto top = parse_top(text);
  if (!top) return failure{top.error()};
  if (const json::value* v = top->if_contains("response")) {
    if (!v->is_object()) return bad("response", "not an object");
    auto c = decode_response(v->get_object());
    if (!c) return failure{c.error()};
    return listener_reply{std::move(*c)};
  }
  if (const json::value* v = top->if_contains("renewToken")) {
    if (!v->is_object()) return bad("renewToken", "not an object");
    auto c = decode_renew(v->get_object());
    if (!c) return failure{c.error()};
    return listener_reply{std::move(*c)};
  }
  return failure{unknown(*top)};
}

}  // namespace azbridge::protocol
