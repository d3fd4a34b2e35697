// IoT Hub service REST, sans-I/O: the hub's connection string, its SAS tokens (base64-decoded key,
// sr = host name), the direct-method request and answer, and IoT Hub's error bodies
// (shared reference orchestration-apis.md §1).
#pragma once

#include "azbridge/orchestrate/errors.hpp"
#include "azbridge/util/expected.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace azbridge::orchestrate::iothub {

inline constexpr std::string_view api_version = "2021-04-12";
inline constexpr std::string_view entra_scope = "https://iothubs.azure.net/.default";

/// HostName=...;SharedAccessKeyName=...;SharedAccessKey=... (keys case-insensitive; all three required;
/// DeviceId/ModuleId/GatewayHostName are refused: that is a device connection string).
struct connection_string {
  std::string host_name;
  std::string key_name;
  std::string key;  // base64 text

  static expected<connection_string> parse(std::string_view text);
};

/// encodeURIComponent plus !'()* (what azure-iothub applies to path segments and SAS fields).
std::string uri_component(std::string_view text);

/// "SharedAccessSignature sr={enc(lower(resource))}&sig={enc(b64(HMAC-SHA256(b64decode(key), sr+"\n"+se)))}
/// &se={expiry}&skn={enc(key_name)}". nullopt-like failure when the key is not valid base64.
expected<std::string> make_sas(std::string_view resource, std::string_view key_name, std::string_view key_base64,
                               std::int64_t expiry_unix_seconds);

struct method_call {
  std::string method_name;
  int response_timeout_s = 30;  // 5..300
  int connect_timeout_s = 0;    // 0..300
  boost::json::value payload;   // null by default (the sample's devices expect no payload)
};

/// "/twins/{enc(device)}/methods?api-version=2021-04-12" (or .../modules/{enc(module)}/methods...).
std::string method_path(std::string_view device_id, std::string_view module_id = {});

/// {"methodName":..,"responseTimeoutInSeconds":..,"connectTimeoutInSeconds":..,"payload":..} (all four, as
/// azure-iothub sends them).
std::string method_body(const method_call& call);

/// Null when the call's fields are acceptable, else the reason (method name characters, timeout ranges).
std::optional<std::string> validate(const method_call& call);

struct method_result {
  int status = 0;              // chosen by the device
  boost::json::value payload;  // chosen by the device
};

/// The 200 answer: {"status": int, "payload": any}.
expected<method_result> parse_method_response(std::string_view body);

/// The sample device's CreateConnection/DeleteConnection payload (keys case-insensitive, servicePort a
/// string or a number).
struct connection_reply {
  std::string result;
  std::string service_protocol;
  std::string service_port;
};
connection_reply parse_connection_reply(const boost::json::value& payload);

/// An IoT Hub error answer: {"Message":"{\"errorCode\":404103,...}","ExceptionMessage":""}, the older
/// "ErrorCode:Name;text" form, or a plain JSON object with errorCode/message.
struct hub_error {
  int http_status = 0;
  long error_code = 0;      // 404103 ... (0 if the body had none)
  std::string code_name;    // iothub-errorcode header, e.g. "DeviceNotOnline"
  std::string message;      // the service's text
  std::string tracking_id;
};
hub_error parse_error(int http_status, std::string_view body, std::string_view errorcode_header);

/// The exit status and one-line message for a failed direct-method call on `device`.
error classify(const hub_error& e, std::string_view device, std::string_view method);

}  // namespace azbridge::orchestrate::iothub
