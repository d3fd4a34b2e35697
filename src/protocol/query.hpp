// Walking a URL query string pair by pair (internal; not installed).
#pragma once

#include <string_view>

namespace azbridge::protocol::detail {

/// Calls f(raw_pair, raw_key, raw_value, has_equals) for each '&'-separated piece of `query` (no leading '?'),
/// empty pieces included, in order. Keys and values are still percent-encoded.
template <class F>
void for_each_query_pair(std::string_view query, F&& f) {
  std::size_t start = 0;
  while (true) {
    std::size_t end = query.find('&', start);
    const bool last = end == std::string_view::npos;
    if (last) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos)
      f(pair, pair, std::string_view{}, false);
    else
      f(pair, pair.substr(0, eq), pair.substr(eq + 1), true);
    if (last) break;
    start = end + 1;
  }
}

}  // namespace azbridge::protocol::detail
