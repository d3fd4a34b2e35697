// Removes secrets from what --verbose and --dry-run print: header values, URL query parameters,
// JSON and form bodies, free text (error messages that echo a connection string).
// Redacted values become "***"; the shape around them stays so that a reader can still debug.
#pragma once

#include "azbridge/orchestrate/http.hpp"

#include <string>
#include <string_view>

namespace azbridge::orchestrate {

inline constexpr std::string_view redacted = "***";

/// Authorization-like headers keep their scheme ("Bearer ***", "SharedAccessSignature ***");
/// X-IDENTITY-HEADER, ServiceBusAuthorization and similar become "***".
header_list redact_headers(const header_list& headers);

/// Query parameters that carry secrets (sig, client_secret, code, ...) get "***" values.
std::string redact_url(std::string_view url);

/// JSON bodies: values of secret-bearing keys (secureValue, password, primaryKey, access_token ...) and
/// any string holding a SAS or a connection-string key. Form bodies (a=b&c=d): client_secret,
/// client_assertion, password ... Anything else goes through redact_text.
std::string redact_body(std::string_view content_type, std::string_view body);

/// Free text: "SharedAccessKey=..." / "SharedAccessSignature=..." fields, "sig=..." parameters and
/// "Bearer ..." tokens are replaced.
std::string redact_text(std::string_view text);

/// One request or response as printed by --verbose / --dry-run, secrets removed.
std::string describe_request(const http_request& request, bool with_body);
std::string describe_response(const http_response& response, bool with_body);

}  // namespace azbridge::orchestrate
