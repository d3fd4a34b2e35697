// Parsing and printing .NET TimeSpan text for OperationTimeout.
#include "timespan.hpp"

#include "text.hpp"

#include <array>
#include <cstdio>

namespace azbridge::protocol::detail {
namespace {

constexpr std::int64_t ticks_per_second = 10'000'000;
constexpr std::int64_t max_days = 10'675'199;  // TimeSpan.MaxValue.Days

// Reads 1..max_digits decimal digits at `pos`; nullopt when there are none or too many.
std::optional<std::int64_t> read_number(std::string_view s, std::size_t& pos, std::size_t max_digits) {
  const std::size_t start = pos;
  std::int64_t value = 0;
  while (pos < s.size() && is_digit(s[pos])) {
    if (pos - start == max_digits) return std::nullopt;
    value = value * 10 + (s[pos] - '0');
    ++pos;
  }
  if (pos == start) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::int64_t> parse_timespan_ticks(std::string_view text) {
  const std::string_view s = trim(text);
  std::size_t pos = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++pos;

  // Up to four ':'-separated numbers (the first may be "days." instead), then an optional ".fraction".
  std::int64_t days = 0;
  std::array<std::int64_t, 4> parts{};
  std::size_t count = 0;
  auto first = read_number(s, pos, 8);
  if (!first) return std::nullopt;
  if (pos == s.size()) {
    days = *first;  // "[-]d": whole days
  } else {
    bool days_dot = false;
    if (s[pos] == '.') {  // "d.hh:mm..."
      days = *first;
      days_dot = true;
      ++pos;
      auto hours = read_number(s, pos, 2);
      if (!hours) return std::nullopt;
      parts[count++] = *hours;
    } else {
      parts[count++] = *first;
    }
    while (pos < s.size() && s[pos] == ':' && count < 4) {
      ++pos;
      auto n = read_number(s, pos, 2);
      if (!n) return std::nullopt;
      parts[count++] = *n;
    }
    if (count < 2 || (days_dot && count > 3)) return std::nullopt;

    std::int64_t hours = 0, minutes = 0, seconds = 0;
    if (count == 4) {  // d:hh:mm:ss
      days = parts[0];
      hours = parts[1], minutes = parts[2], seconds = parts[3];
    } else {
      hours = parts[0], minutes = parts[1], seconds = count == 3 ? parts[2] : 0;
    }
    if (hours > 23 || minutes > 59 || seconds > 59) return std::nullopt;

    std::int64_t fraction_ticks = 0;
    if (pos < s.size() && s[pos] == '.') {
      if (count < 3) return std::nullopt;  // a fraction only follows seconds
      ++pos;
      const std::size_t start = pos;
      auto fraction = read_number(s, pos, 7);
      if (!fraction) return std::nullopt;
      fraction_ticks = *fraction;
      for (std::size_t digits = pos - start; digits < 7; ++digits) fraction_ticks *= 10;
    }
    if (pos != s.size()) return std::nullopt;
    if (days > max_days) return std::nullopt;
    const std::int64_t ticks = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * ticks_per_second + fraction_ticks;
    return negative ? -ticks : ticks;
  }
  if (days > max_days) return std::nullopt;
  const std::int64_t ticks = days * 86'400 * ticks_per_second;
  return negative ? -ticks : ticks;
}

std::string format_timespan(std::chrono::milliseconds value) {
  std::int64_t ms = value.count();
  std::string out;
  if (ms < 0) {
    out.push_back('-');
    ms = -ms;
  }
  const std::int64_t days = ms / 86'400'000;
  const auto hours = static_cast<int>(ms / 3'600'000 % 24);
  const auto minutes = static_cast<int>(ms / 60'000 % 60);
  const auto seconds = static_cast<int>(ms / 1000 % 60);
  const auto fraction_ticks = static_cast<int>(ms % 1000 * 10'000);
  std::array<char, 64> buf{};
  if (days > 0) {
    std::snprintf(buf.data(), buf.size(), "%lld.", static_cast<long long>(days));
    out += buf.data();
  }
  std::snprintf(buf.data(), buf.size(), "%02d:%02d:%02d", hours, minutes, seconds);
  out += buf.data();
  if (fraction_ticks != 0) {
    std::snprintf(buf.data(), buf.size(), ".%07d", fraction_ticks);
    out += buf.data();
  }
  return out;
}

}  // namespace azbridge::protocol::detail
