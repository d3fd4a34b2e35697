// Plain HTTP request/response values shared by the REST clients (no I/O here).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace azbridge::orchestrate {

using header_list = std::vector<std::pair<std::string, std::string>>;

/// Case-insensitive header lookup; empty when absent.
std::string_view find_header(const header_list& headers, std::string_view name);

/// How a request may be repeated after a failure (see docs/orchestrate.md "Retries").
enum class retry_mode {
  none,        // never: the request changes state and a repeat is not known to be harmless
  throttle,    // only after 429 (the service did not act on the request)
  idempotent,  // after 429, 500/502/503/504 and connection failures (GET, PUT, DELETE on ARM ...)
};

struct http_request {
  std::string method = "GET";
  std::string url;  // absolute http:// or https:// URL
  header_list headers;
  std::string body;
  retry_mode retry = retry_mode::none;
  std::string what;  // a few words for progress and error messages: "GET container group azb-dev1"

  std::string_view header(std::string_view name) const { return find_header(headers, name); }
  void set_header(std::string name, std::string value);
};

struct http_response {
  int status = 0;
  std::string reason;
  header_list headers;
  std::string body;

  std::string_view header(std::string_view name) const { return find_header(headers, name); }
  bool ok() const noexcept { return status >= 200 && status < 300; }
};

}  // namespace azbridge::orchestrate
