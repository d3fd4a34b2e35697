#include "azbridge/orchestrate/redact.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <array>
#include <fmt/format.h>

namespace azbridge::orchestrate {
namespace {

namespace json = boost::json;
using boost::algorithm::iequals;

bool one_of(std::string_view key, std::initializer_list<std::string_view> names) {
  for (auto n : names) {
    if (iequals(key, n)) return true;
  }
  return false;
}

bool secret_json_key(std::string_view key) {
  return one_of(key, {"secureValue", "password", "access_token", "accessToken", "refresh_token", "id_token",
                      "client_secret", "clientSecret", "primaryKey", "secondaryKey", "primaryConnectionString",
                      "secondaryConnectionString", "key", "sharedAccessKey", "connectionString",
                      "relayConnectionString", "relaySas", "token", "client_assertion"});
}

bool secret_param(std::string_view key) {
  return one_of(key, {"sig", "client_secret", "client_assertion", "assertion", "password", "code",
                      "refresh_token", "access_token", "token", "key"});
}

void redact_json(json::value& v) {
  if (auto* o = v.if_object()) {
    for (auto& kv : *o) {
      if (secret_json_key(kv.key()) && !kv.value().is_null()) {
        kv.value() = redacted;
      } else {
        redact_json(kv.value());
      }
    }
  } else if (auto* a = v.if_array()) {
    for (auto& e : *a) redact_json(e);
  } else if (auto* s = v.if_string()) {
    auto r = redact_text(*s);
    if (r != std::string_view(*s)) *s = r;
  }
}

// Replaces the value after `marker` (case-insensitive) up to one of `stops` with ***.
std::string replace_after(std::string_view text, std::string_view marker, std::string_view stops) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t hit = std::string_view::npos;
    for (std::size_t j = i; j + marker.size() <= text.size(); ++j) {
      if (iequals(text.substr(j, marker.size()), marker)) {
        hit = j;
        break;
      }
    }
    if (hit == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, hit - i + marker.size()));
    std::size_t end = text.find_first_of(stops, hit + marker.size());
    if (end == std::string_view::npos) end = text.size();
    if (end > hit + marker.size()) out.append(redacted);
    i = end;
  }
  return out;
}

std::string redact_form(std::string_view body) {
  std::string out;
  std::size_t i = 0;
  while (i <= body.size()) {
    auto amp = body.find('&', i);
    if (amp == std::string_view::npos) amp = body.size();
    auto pair = body.substr(i, amp - i);
    auto eq = pair.find('=');
    if (!out.empty() || i > 0) out += '&';
    if (eq != std::string_view::npos && secret_param(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1));
      out.append(redacted);
    } else {
      out.append(pair);
    }
    i = amp + 1;
  }
  return out;
}

}  // namespace

header_list redact_headers(const header_list& headers) {
  header_list out;
  out.reserve(headers.size());
  for (const auto& [k, v] : headers) {
    if (iequals(k, "Authorization") || iequals(k, "Proxy-Authorization")) {
      auto sp = v.find(' ');
      out.emplace_back(k, sp == std::string::npos ? std::string(redacted) : v.substr(0, sp + 1) + std::string(redacted));
    } else if (one_of(k, {"X-IDENTITY-HEADER", "X-IDENTITY-SECRET", "Secret", "ServiceBusAuthorization",
                          "Cookie", "Set-Cookie", "x-ms-encryption-key"})) {
      out.emplace_back(k, std::string(redacted));
    } else {
      out.emplace_back(k, redact_text(v));
    }
  }
  return out;
}

std::string redact_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri_reference(url);
  if (!parsed) return redact_text(url);
  boost::urls::url u(*parsed);
  bool changed = false;
  for (auto it = u.params().begin(); it != u.params().end(); ++it) {
    auto p = *it;
    if (p.has_value && secret_param(p.key)) {
      it = u.params().replace(it, {p.key, redacted});
      changed = true;
    }
  }
  if (!changed) return std::string(url);
  return std::string(u.buffer());
}

std::string redact_text(std::string_view text) {
  std::string s = replace_after(text, "SharedAccessKey=", ";\"' \r\n&");
  s = replace_after(s, "SharedAccessSignature=", ";\"'\r\n");
  s = replace_after(s, "sig=", "&;\"' \r\n");
  s = replace_after(s, "Bearer ", "\"' \r\n,;");
  s = replace_after(s, "client_secret=", "&\"' \r\n");
  return s;
}

std::string redact_body(std::string_view content_type, std::string_view body) {
  if (body.empty()) return {};
  bool json_like = content_type.find("json") != std::string_view::npos ||
                   (!body.empty() && (body.front() == '{' || body.front() == '['));
  if (json_like) {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (!ec) {
      redact_json(v);
      return json::serialize(v);
    }
  }
  if (content_type.find("x-www-form-urlencoded") != std::string_view::npos) return redact_form(body);
  return redact_text(body);
}

std::string describe_request(const http_request& request, bool with_body) {
  std::string out = fmt::format("{} {}", request.method, redact_url(request.url));
  for (const auto& [k, v] : redact_headers(request.headers)) out += fmt::format("\n  {}: {}", k, v);
  if (with_body && !request.body.empty()) {
    out += "\n  ";
    out += redact_body(request.header("Content-Type"), request.body);
  }
  return out;
}

std::string describe_response(const http_response& response, bool with_body) {
  std::string out = fmt::format("{} {}", response.status, response.reason);
  for (const auto& [k, v] : redact_headers(response.headers)) {
    // Only the headers that matter for debugging ARM and IoT Hub.
    if (one_of(k, {"Location", "Azure-AsyncOperation", "Retry-After", "x-ms-request-id", "iothub-errorcode",
                   "x-ms-correlation-request-id", "Content-Type", "WWW-Authenticate"})) {
      out += fmt::format("\n  {}: {}", k, redact_url(v));
    }
  }
  if (with_body && !response.body.empty()) {
    out += "\n  ";
    out += redact_body(response.header("Content-Type"), response.body);
  }
  return out;
}

}  // namespace azbridge::orchestrate
