#include "azbridge/orchestrate/retry.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>

namespace azbridge::orchestrate {
namespace {

std::optional<long long> parse_non_negative(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < 0 || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (exactly 29 characters).
  if (text.size() != 29 || text[3] != ',' || text.substr(26) != "GMT") return std::nullopt;
  static constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto num = [&](std::size_t pos, std::size_t len) { return parse_non_negative(text.substr(pos, len)); };
  auto day = num(5, 2), year = num(12, 4), hh = num(17, 2), mm = num(20, 2), ss = num(23, 2);
  auto mon = std::find(months.begin(), months.end(), text.substr(8, 3));
  if (!day || !year || !hh || !mm || !ss || mon == months.end() || text[19] != ':' || text[22] != ':') {
    return std::nullopt;
  }
  if (*day < 1 || *day > 31 || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = static_cast<int>(*year) - 1900;
  tm.tm_mon = static_cast<int>(mon - months.begin());
  tm.tm_mday = static_cast<int>(*day);
  tm.tm_hour = static_cast<int>(*hh);
  tm.tm_min = static_cast<int>(*mm);
  tm.tm_sec = static_cast<int>(*ss);
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::optional<milliseconds> parse_retry_after(const header_list& headers, std::chrono::system_clock::time_point now) {
  for (auto name : {"retry-after-ms", "x-ms-retry-after-ms"}) {
    if (auto v = parse_non_negative(find_header(headers, name))) return milliseconds(*v);
  }
  auto value = find_header(headers, "Retry-After");
  if (value.empty()) return std::nullopt;
  if (auto secs = parse_non_negative(value)) return milliseconds(*secs * 1000);
  if (auto when = parse_http_date(value)) {
    auto delta = std::chrono::duration_cast<milliseconds>(*when - now);
    return std::max(delta, milliseconds(0));
  }
  return std::nullopt;
}

std::optional<milliseconds> retry_delay(const retry_policy& policy, retry_mode mode, int attempt,
                                        const http_response* response, std::chrono::system_clock::time_point now) {
  if (mode == retry_mode::none || attempt >= policy.max_attempts) return std::nullopt;
  auto backoff = std::min(policy.max_delay, milliseconds(policy.base_delay.count() << std::min(attempt - 1, 20)));
  if (response == nullptr) {
    // No answer: the service may or may not have acted. Only requests that are harmless to repeat.
    if (mode != retry_mode::idempotent) return std::nullopt;
    return backoff;
  }
  const int s = response->status;
  bool retryable = s == 429 || (mode == retry_mode::idempotent && (s == 500 || s == 502 || s == 503 || s == 504));
  if (!retryable) return std::nullopt;
  if (auto asked = parse_retry_after(response->headers, now)) {
    if (*asked > policy.max_retry_after) return std::nullopt;  // give up now rather than hang
    return *asked;
  }
  return backoff;
}

}  // namespace azbridge::orchestrate
