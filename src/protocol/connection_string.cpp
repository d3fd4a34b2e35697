// RelayConnectionStringBuilder: parsing, validation and printing, with the SDK's messages.
#include "azbridge/protocol/connection_string.hpp"

#include "text.hpp"
#include "timespan.hpp"
#include "uri.hpp"

namespace azbridge::protocol {
namespace {

using detail::iequals;

constexpr auto default_operation_timeout = std::chrono::milliseconds(60'000);

// The SDK's `!string.IsNullOrWhiteSpace(value)`.
bool has_text(std::string_view value) { return !detail::trim(value).empty(); }

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.append(1, '\'').append(s).append(1, '\'');
  return out;
}

}  // namespace

expected<connection_string> connection_string::parse(std::string_view text) {
  if (text.empty()) return failure{"Value cannot be null. (Parameter 'connectionString')"};
  connection_string result;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view pair = text.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;  // StringSplitOptions.RemoveEmptyEntries

    const std::size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (eq == std::string_view::npos)
      return failure{"The value for the connection string parameter " + quoted(key) + " is empty or missing."};
    const std::string_view value = pair.substr(eq + 1);

    if (iequals(key, "Endpoint")) {
      // Uri.TryCreate(value, UriKind.Absolute): a scheme is required; System.Uri ignores surrounding blanks.
      const std::string_view uri = detail::trim(value);
      if (!detail::parse_absolute_endpoint(uri)) return failure{"'Endpoint' is not a valid Absolute Uri."};
      result.endpoint = std::string(uri);
    } else if (iequals(key, "EntityPath")) {
      result.entity_path = std::string(value);
    } else if (iequals(key, "SharedAccessKeyName")) {
      result.shared_access_key_name = std::string(value);
    } else if (iequals(key, "SharedAccessKey")) {
      result.shared_access_key = std::string(value);
    } else if (iequals(key, "SharedAccessSignature")) {
      result.shared_access_signature = std::string(value);
    } else if (iequals(key, "OperationTimeout")) {
      const auto ticks = detail::parse_timespan_ticks(value);
      if (!ticks) return failure{"'OperationTimeout' is not a valid TimeSpan."};
      if (*ticks <= 0)
        return failure{"Argument OperationTimeout must be a positive timeout value. The provided value was " +
                       std::string(detail::trim(value)) + "."};
      // Milliseconds are our resolution; a positive sub-millisecond value stays positive.
      result.operation_timeout = std::chrono::milliseconds(*ticks / 10'000 > 0 ? *ticks / 10'000 : 1);
    } else if (iequals(key, "Authentication")) {
      // The SDK removes spaces and parses the enum ignoring case; anything else means "Other".
      std::string compact;
      for (char c : value)
        if (c != ' ') compact.push_back(c);
      result.managed_identity = iequals(compact, "ManagedIdentity");
    } else {
      return failure{"The connection string contains unknown parameter " + quoted(key) + "."};
    }
  }
  return result;
}

std::optional<std::string> connection_string::validate() const {
  if (!has_text(endpoint)) return "Value cannot be null. (Parameter 'Endpoint')";
  const bool key_name = has_text(shared_access_key_name);
  const bool key = has_text(shared_access_key);
  const bool signature = has_text(shared_access_signature);
  const auto alone = [](std::string_view other) {
    return "SharedAccessSignature cannot be specified along with " + std::string(other) +
           ". SharedAccessSignature alone should be sufficient to Authenticate the request.";
  };
  if (signature && key_name) return alone("SharedAccessKeyName");
  if (signature && key) return alone("SharedAccessKey");
  if (key_name != key)
    return "Ensure either all or none of the following arguments are defined: 'SharedAccessKeyName,SharedAccessKey'.";
  if (managed_identity && (key_name || key || signature))
    return "Authentication=ManagedIdentity cannot be specified along with SharedAccessKeyName, SharedAccessKey or "
           "SharedAccessSignature.";
  return std::nullopt;
}

std::string connection_string::absolute_endpoint() const {
  const auto parsed = detail::parse_absolute_endpoint(endpoint);
  if (!parsed) return endpoint;
  const boost::urls::url_view& u = *parsed;
  // System.Uri.AbsoluteUri: scheme and host lower-case, "/" for an empty path under an authority,
  // and the scheme's default port dropped for the schemes .NET knows.
  const std::string scheme = detail::to_lower(u.scheme());
  std::string out = scheme + ":";
  if (u.has_authority()) {
    out += "//";
    if (u.has_userinfo()) out.append(u.encoded_userinfo()).append("@");
    out += u.host_type() == boost::urls::host_type::name ? detail::to_lower(u.encoded_host()) : std::string(u.encoded_host());
    const std::string_view port = u.port();
    const bool default_port = ((scheme == "http" || scheme == "ws") && port == "80") ||
                              ((scheme == "https" || scheme == "wss") && port == "443");
    if (u.has_port() && !port.empty() && !default_port) out.append(":").append(port);
    out += u.encoded_path().empty() ? std::string_view("/") : std::string_view(u.encoded_path());
  } else {
    out += u.encoded_path();
  }
  if (u.has_query()) out.append("?").append(u.encoded_query());
  if (u.has_fragment()) out.append("#").append(u.encoded_fragment());
  return out;
}

std::string connection_string::to_string() const {
  std::string out = "Endpoint=" + absolute_endpoint() + ";";
  const auto add = [&out](std::string_view key, std::string_view value) {
    if (has_text(value)) out.append(key).append("=").append(value).append(";");
  };
  add("EntityPath", entity_path);
  add("SharedAccessKeyName", shared_access_key_name);
  add("SharedAccessKey", shared_access_key);
  add("SharedAccessSignature", shared_access_signature);
  if (operation_timeout && *operation_timeout != default_operation_timeout)
    add("OperationTimeout", detail::format_timespan(*operation_timeout));
  if (managed_identity) add("Authentication", "Managed Identity");
  return out;
}

std::string connection_string::to_redacted_string() const {
  connection_string copy = *this;
  if (has_text(copy.shared_access_key)) copy.shared_access_key = "***";
  if (has_text(copy.shared_access_signature)) copy.shared_access_signature = "***";
  return copy.to_string();
}

}  // namespace azbridge::protocol
