// When a failed request may be sent again, and after how long (sans-I/O, unit-tested).
#pragma once

#include "azbridge/orchestrate/http.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace azbridge::orchestrate {

using std::chrono::milliseconds;

/// Reads `retry-after-ms`, `x-ms-retry-after-ms` (milliseconds) or `Retry-After` (delta-seconds or an
/// HTTP-date). nullopt when absent or unparsable; a date in the past gives 0.
std::optional<milliseconds> parse_retry_after(const header_list& headers,
                                              std::chrono::system_clock::time_point now);

/// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"). nullopt if malformed.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

struct retry_policy {
  int max_attempts = 4;                   // first try included
  milliseconds base_delay{500};           // exponential backoff: base, 2*base, 4*base ...
  milliseconds max_delay{8000};
  milliseconds max_retry_after{60000};    // a server asking for more than this is not waited for
};

/// Whether attempt number `attempt` (1-based) should be followed by another, and the delay before it.
/// `response` is null when the request failed before an answer (connection, TLS, timeout).
std::optional<milliseconds> retry_delay(const retry_policy& policy, retry_mode mode, int attempt,
                                        const http_response* response,
                                        std::chrono::system_clock::time_point now);

}  // namespace azbridge::orchestrate
