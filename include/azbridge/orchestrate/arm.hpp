// Azure Resource Manager conventions, sans-I/O: CloudError bodies, their exit statuses, and the
// long-running-operation decisions (Azure-AsyncOperation, Location, provisioningState;
// shared reference orchestration-apis.md §3.4-3.5).
#pragma once

#include "azbridge/orchestrate/errors.hpp"
#include "azbridge/orchestrate/http.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace azbridge::orchestrate::arm {

inline constexpr std::string_view default_endpoint = "https://management.azure.com";
inline constexpr std::string_view default_scope = "https://management.azure.com/.default";

struct cloud_error {
  int http_status = 0;
  std::string code;     // "ResourceGroupNotFound", "AuthorizationFailed", ...
  std::string message;
  std::string target;
};

/// {"error":{"code","message","target","details"}} (also the bare {"code","message"} form). Missing fields
/// stay empty.
cloud_error parse_error(int http_status, std::string_view body);

/// The exit status and one-line message for a failed ARM call described by `what`.
error classify(const cloud_error& e, std::string_view what);

enum class poll_via { none, async_operation, location, resource };

struct lro_plan {
  poll_via via = poll_via::none;
  std::string url;  // for async_operation and location
};

/// What to poll after the first answer to PUT/PATCH/POST/DELETE (2xx only): Azure-AsyncOperation first,
/// then Location on 201/202, then the resource itself while its provisioningState is not terminal.
lro_plan plan_lro(std::string_view method, const http_response& initial);

enum class lro_state { running, succeeded, failed, canceled };

struct lro_status {
  lro_state state = lro_state::running;
  cloud_error error;              // for failed/canceled
  std::string provisioning_state; // as read, for progress lines
};

/// A GET of the Azure-AsyncOperation URL: {"status":"InProgress|Succeeded|Failed|Canceled","error":{...}}.
lro_status read_async_operation(const http_response& response);
/// A GET of the Location URL: 202 running, 200/201/204 done, anything else failed.
lro_status read_location(const http_response& response);
/// A GET of the resource: properties.provisioningState (Succeeded/Failed/Canceled are terminal).
lro_status read_resource(const http_response& response);

/// Delay before the next poll: Retry-After if given (capped at `max`), else `fallback`.
std::chrono::milliseconds poll_delay(const http_response& response, std::chrono::milliseconds fallback,
                                     std::chrono::milliseconds max);

/// True when `url` has the same scheme, host and port as `endpoint` (ARM tokens go nowhere else).
bool same_origin(std::string_view url, std::string_view endpoint);

}  // namespace azbridge::orchestrate::arm
