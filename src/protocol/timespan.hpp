// .NET TimeSpan text (invariant culture), as used by the connection string's OperationTimeout (internal).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace azbridge::protocol::detail {

/// TimeSpan.TryParse(text, CultureInfo.InvariantCulture) for the forms people write: "[-]d",
/// "[-][d.]h:mm[:ss[.fffffff]]" and "[-]d:h:mm:ss[.fffffff]", surrounding white space allowed.
/// Returns the value in 100 ns ticks, or nullopt when the text is not a TimeSpan.
std::optional<std::int64_t> parse_timespan_ticks(std::string_view text);

/// TimeSpan.ToString() ("c" format): "[-][d.]hh:mm:ss[.fffffff]".
std::string format_timespan(std::chrono::milliseconds value);

}  // namespace azbridge::protocol::detail
