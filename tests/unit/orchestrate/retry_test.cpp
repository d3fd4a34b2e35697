#include "azbridge/orchestrate/retry.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::orchestrate;
using namespace std::chrono;

namespace {
const auto now = system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT

http_response answer(int status, header_list h = {}) {
  http_response r;
  r.status = status;
  r.headers = std::move(h);
  return r;
}
}  // namespace

TEST_CASE("Retry-After as delta-seconds, HTTP-date and millisecond headers", "[retry]") {
  CHECK(parse_retry_after({{"Retry-After", "7"}}, now) == milliseconds(7000));
  CHECK(parse_retry_after({{"retry-after", " 0 "}}, now) == milliseconds(0));
  CHECK(parse_retry_after({{"Retry-After", "Sun, 06 Nov 1994 08:49:47 GMT"}}, now) == milliseconds(10000));
  CHECK(parse_retry_after({{"Retry-After", "Sun, 06 Nov 1994 08:49:00 GMT"}}, now) == milliseconds(0));
  CHECK(parse_retry_after({{"retry-after-ms", "250"}, {"Retry-After", "9"}}, now) == milliseconds(250));
  CHECK(parse_retry_after({{"x-ms-retry-after-ms", "1500"}}, now) == milliseconds(1500));
  CHECK_FALSE(parse_retry_after({{"Retry-After", "-3"}}, now));
  CHECK_FALSE(parse_retry_after({{"Retry-After", "soon"}}, now));
  CHECK_FALSE(parse_retry_after({}, now));
}

TEST_CASE("HTTP dates", "[retry]") {
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == now);
  CHECK_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));
  CHECK_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
}

TEST_CASE("which failures are retried", "[retry]") {
  retry_policy p;
  auto r429 = answer(429, {{"Retry-After", "2"}});
  auto r503 = answer(503);
  auto r404 = answer(404);
  // 429: the service did not act, any request may be repeated after the server's delay
  CHECK(retry_delay(p, retry_mode::throttle, 1, &r429, now) == milliseconds(2000));
  CHECK(retry_delay(p, retry_mode::idempotent, 1, &r429, now) == milliseconds(2000));
  CHECK_FALSE(retry_delay(p, retry_mode::none, 1, &r429, now));
  // 5xx and no answer: only idempotent requests
  CHECK(retry_delay(p, retry_mode::idempotent, 1, &r503, now) == p.base_delay);
  CHECK_FALSE(retry_delay(p, retry_mode::throttle, 1, &r503, now));
  CHECK(retry_delay(p, retry_mode::idempotent, 2, nullptr, now) == p.base_delay * 2);
  CHECK_FALSE(retry_delay(p, retry_mode::throttle, 1, nullptr, now));
  // client errors never
  CHECK_FALSE(retry_delay(p, retry_mode::idempotent, 1, &r404, now));
  // bounded attempts and a bounded wait
  CHECK_FALSE(retry_delay(p, retry_mode::idempotent, p.max_attempts, &r429, now));
  auto too_long = answer(429, {{"Retry-After", "3600"}});
  CHECK_FALSE(retry_delay(p, retry_mode::idempotent, 1, &too_long, now));
  CHECK(retry_delay(p, retry_mode::idempotent, 3, &r503, now) <= p.max_delay);
}
