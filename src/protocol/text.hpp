// Small ASCII text helpers shared by the protocol parsers (internal; not installed).
// Every protocol name we compare (connection-string keys, query keys, SAS fields, hosts) is ASCII, so
// plain ASCII case folding is what .NET's OrdinalIgnoreCase amounts to for them.
#pragma once

#include <string>
#include <string_view>

namespace azbridge::protocol::detail {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

constexpr bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

constexpr std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Percent-decoding that never fails: an invalid escape is kept verbatim. With plus_is_space, '+' becomes ' '
/// (form encoding, as WebUtility.UrlDecode does); without it '+' stays '+' (RFC 3986 path/base64 semantics).
std::string percent_decode(std::string_view text, bool plus_is_space);

}  // namespace azbridge::protocol::detail
