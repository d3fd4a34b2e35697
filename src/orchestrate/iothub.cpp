#include "azbridge/orchestrate/iothub.hpp"

#include "crypto.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>

#include <fmt/format.h>

namespace azbridge::orchestrate::iothub {
namespace {

namespace json = boost::json;
using boost::algorithm::iequals;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const json::value* find_ci(const json::object& o, std::string_view key) {
  for (const auto& kv : o) {
    if (iequals(kv.key(), key)) return &kv.value();
  }
  return nullptr;
}

std::string scalar_text(const json::value* v) {
  if (v == nullptr || v->is_null()) return {};
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

long to_long(const json::value* v) {
  if (v == nullptr) return 0;
  if (v->is_int64()) return static_cast<long>(v->as_int64());
  if (v->is_uint64()) return static_cast<long>(v->as_uint64());
  if (v->is_string()) return std::strtol(v->as_string().c_str(), nullptr, 10);
  return 0;
}

void read_error_object(const json::object& o, hub_error& e) {
  if (auto* c = find_ci(o, "errorCode")) e.error_code = to_long(c);
  if (auto* m = find_ci(o, "message")) e.message = scalar_text(m);
  if (auto* t = find_ci(o, "trackingId")) e.tracking_id = scalar_text(t);
}

}  // namespace

expected<connection_string> connection_string::parse(std::string_view text) {
  connection_string cs;
  std::size_t i = 0;
  while (i < text.size()) {
    auto semi = text.find(';', i);
    if (semi == std::string_view::npos) semi = text.size();
    auto part = text.substr(i, semi - i);
    i = semi + 1;
    if (part.empty()) continue;
    auto eq = part.find('=');
    if (eq == std::string_view::npos) return failure{"IoT Hub connection string: a part has no '='"};
    auto key = part.substr(0, eq);
    auto value = std::string(part.substr(eq + 1));
    if (iequals(key, "HostName")) cs.host_name = value;
    else if (iequals(key, "SharedAccessKeyName")) cs.key_name = value;
    else if (iequals(key, "SharedAccessKey")) cs.key = value;
    else if (iequals(key, "DeviceId") || iequals(key, "ModuleId")) {
      return failure{"this is a device connection string; orchestrate needs the hub's service policy connection string "
                     "(HostName=...;SharedAccessKeyName=service;SharedAccessKey=...)"};
    } else if (iequals(key, "GatewayHostName") || iequals(key, "SharedAccessSignature")) {
      return failure{"IoT Hub connection string: " + std::string(key) + " is not supported here"};
    } else {
      return failure{"IoT Hub connection string: unknown part '" + std::string(key) + "'"};
    }
  }
  if (cs.host_name.empty() || cs.key_name.empty() || cs.key.empty()) {
    return failure{"IoT Hub connection string needs HostName, SharedAccessKeyName and SharedAccessKey"};
  }
  if (!crypto::base64_decode(cs.key)) return failure{"IoT Hub connection string: SharedAccessKey is not valid base64"};
  return cs;
}

std::string uri_component(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

expected<std::string> make_sas(std::string_view resource, std::string_view key_name, std::string_view key_base64,
                               std::int64_t expiry) {
  auto key = crypto::base64_decode(key_base64);
  if (!key) return failure{"the SharedAccessKey is not valid base64"};
  auto sr = uri_component(lower(resource));
  auto se = std::to_string(expiry);
  auto sig = crypto::base64_encode(crypto::hmac_sha256(*key, sr + "\n" + se));
  return fmt::format("SharedAccessSignature sr={}&sig={}&se={}&skn={}", sr, uri_component(sig), se,
                     uri_component(key_name));
}

std::string method_path(std::string_view device_id, std::string_view module_id) {
  if (module_id.empty()) return fmt::format("/twins/{}/methods?api-version={}", uri_component(device_id), api_version);
  return fmt::format("/twins/{}/modules/{}/methods?api-version={}", uri_component(device_id),
                     uri_component(module_id), api_version);
}

std::string method_body(const method_call& call) {
  json::object o;
  o["methodName"] = call.method_name;
  o["responseTimeoutInSeconds"] = call.response_timeout_s;
  o["connectTimeoutInSeconds"] = call.connect_timeout_s;
  o["payload"] = call.payload;
  return json::serialize(o);
}

std::optional<std::string> validate(const method_call& call) {
  if (call.method_name.empty()) return "the direct method name is empty";
  for (unsigned char c : call.method_name) {
    if (c < 0x21 || c > 0x7e || std::string_view("$()<>@,;:\\\"/[]?={}").find(static_cast<char>(c)) != std::string_view::npos) {
      return fmt::format("direct method name '{}': only printable US-ASCII without $()<>@,;:\\\"/[]?={{}} or spaces",
                         call.method_name);
    }
  }
  if (call.response_timeout_s < 5 || call.response_timeout_s > 300) {
    return fmt::format("the method response timeout must be 5..300 seconds (got {})", call.response_timeout_s);
  }
  if (call.connect_timeout_s < 0 || call.connect_timeout_s > 300) {
    return fmt::format("the method connect timeout must be 0..300 seconds (got {})", call.connect_timeout_s);
  }
  if (json::serialize(call.payload).size() > 128 * 1024) return "the direct method payload is larger than 128 KB";
  return std::nullopt;
}

expected<method_result> parse_method_response(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return failure{"IoT Hub's direct-method answer is not a JSON object"};
  const auto& o = v.as_object();
  auto* s = find_ci(o, "status");
  if (s == nullptr || !(s->is_int64() || s->is_uint64())) return failure{"IoT Hub's direct-method answer has no integer status"};
  method_result r;
  r.status = static_cast<int>(to_long(s));
  if (auto* p = find_ci(o, "payload")) r.payload = *p;
  return r;
}

connection_reply parse_connection_reply(const json::value& payload) {
  connection_reply r;
  if (const auto* o = payload.if_object()) {
    r.result = scalar_text(find_ci(*o, "result"));
    r.service_protocol = scalar_text(find_ci(*o, "serviceProtocol"));
    r.service_port = scalar_text(find_ci(*o, "servicePort"));
  } else if (payload.is_string()) {
    r.result = std::string(payload.as_string());
  }
  return r;
}

hub_error parse_error(int http_status, std::string_view body, std::string_view errorcode_header) {
  hub_error e;
  e.http_status = http_status;
  e.code_name = std::string(errorcode_header);
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    const auto& o = v.as_object();
    auto* m = find_ci(o, "errorCode") ? nullptr : find_ci(o, "Message");
    if (m && m->is_string()) {
      std::string_view inner = m->as_string();
      auto iv = json::parse(inner, ec);
      if (!ec && iv.is_object()) {
        read_error_object(iv.as_object(), e);
      } else if (inner.substr(0, 10) == "ErrorCode:") {
        // Older form: "ErrorCode:DeviceNotFound;text"
        auto semi = inner.find(';');
        if (e.code_name.empty()) e.code_name = std::string(inner.substr(10, semi == std::string_view::npos ? inner.npos : semi - 10));
        e.message = semi == std::string_view::npos ? std::string() : std::string(inner.substr(semi + 1));
      } else {
        e.message = std::string(inner);
      }
    } else {
      read_error_object(o, e);
    }
  } else if (!body.empty() && body.size() < 300) {
    e.message = std::string(body);
  }
  return e;
}

error classify(const hub_error& e, std::string_view device, std::string_view method) {
  auto detail = [&] {
    std::string d = e.error_code ? fmt::format("IoT Hub {} {}", e.http_status, e.error_code) : fmt::format("IoT Hub {}", e.http_status);
    if (!e.code_name.empty()) d += " " + e.code_name;
    if (!e.message.empty()) d += ": " + e.message;
    return d;
  };
  auto is = [&](long code, std::string_view name) { return e.error_code == code || iequals(e.code_name, name); };
  if (is(404103, "DeviceNotOnline")) {
    return {exit_code::device_offline,
            fmt::format("device '{}' is offline: it is not connected to the hub or has no handler for direct methods ({})", device, detail())};
  }
  if (is(404001, "DeviceNotFound")) {
    return {exit_code::device_not_found, fmt::format("device '{}' is not registered in this IoT hub ({})", device, detail())};
  }
  if (is(504101, "GatewayTimeout") || e.http_status == 504) {
    return {exit_code::device_timeout,
            fmt::format("device '{}' did not answer {} in time ({})", device, method, detail())};
  }
  if (e.http_status == 429 || is(403002, "IotHubQuotaExceeded") || is(403800, "DeviceMaximumInflightMethodExceeded")) {
    return {exit_code::throttled, fmt::format("IoT Hub is throttling {} on '{}' ({})", method, device, detail())};
  }
  if (e.http_status == 401 || e.http_status == 403) {
    return {exit_code::auth, fmt::format("IoT Hub refused the credentials for {} ({}); check the connection string "
                                         "or the identity's IoT Hub data-plane role", method, detail())};
  }
  if (e.http_status == 404) {
    return {exit_code::device_not_found, fmt::format("device '{}' or the hub was not found ({})", device, detail())};
  }
  if (e.http_status >= 500) return {exit_code::service, fmt::format("IoT Hub failed on {} ({})", method, detail())};
  if (e.http_status >= 400) return {exit_code::rejected, fmt::format("IoT Hub rejected {} ({})", method, detail())};
  return {exit_code::failure, fmt::format("unexpected answer from IoT Hub to {} ({})", method, detail())};
}

}  // namespace azbridge::orchestrate::iothub
