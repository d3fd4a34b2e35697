#include "azbridge/relay_client/token_provider.hpp"

#include "azbridge/protocol/sas.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

using namespace azbridge;
using namespace azbridge::relay_client;
using namespace std::chrono_literals;

namespace {

expected<access_token> get(token_provider& p, std::string audience) {
  net::asio::io_context io;
  std::optional<expected<access_token>> out;
  auto task = [&]() -> net::awaitable<void> { out.emplace(co_await p.get_token(std::move(audience))); };
  net::asio::co_spawn(io, task(), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  return std::move(*out);
}

const std::string key = "dGVzdC1rZXktZm9yLWF6YnJpZGdlLWludGVncmF0aW9uLXRlc3RzLTEyMzQ1Njc4OTA=";

}  // namespace

TEST_CASE("SAS key provider signs the audience and caches per audience") {
  auto p = make_sas_key_provider("send", key, 3600s);
  auto a = get(*p, "sb://ns.servicebus.windows.net/db");
  REQUIRE(a);
  auto parsed = protocol::sas::parse_token(a->value);
  REQUIRE(parsed);
  CHECK(parsed->skn == "send");
  CHECK(parsed->sr == "http://ns.servicebus.windows.net/db/");
  CHECK(protocol::sas::signature_valid(*parsed, key));
  CHECK_FALSE(protocol::sas::signature_valid(*parsed, "other"));
  CHECK(a->expires_at == wall_clock::time_point(std::chrono::seconds(parsed->se)));
  CHECK(a->expires_at - a->issued_at >= 3600s);
  CHECK(a->expires_at - a->issued_at < 3601s);

  auto again = get(*p, "sb://ns.servicebus.windows.net/db");
  REQUIRE(again);
  CHECK(again->value == a->value);  // cached
  auto other = get(*p, "sb://ns.servicebus.windows.net/web");
  REQUIRE(other);
  CHECK(protocol::sas::parse_token(other->value)->sr == "http://ns.servicebus.windows.net/web/");
}

TEST_CASE("SAS key provider replaces a token once its refresh point passed") {
  // A zero TTL (rounded up to the next second) makes every cached token due at once.
  auto p = make_sas_key_provider("send", key, 0s, 0.0);
  auto a = get(*p, "sb://ns/db");
  REQUIRE(a);
  auto b = get(*p, "sb://ns/db");
  REQUIRE(b);
  CHECK(b->issued_at > a->issued_at);
}

TEST_CASE("SAS key provider reports bad keys instead of throwing") {
  auto p = make_sas_key_provider("", key);
  auto t = get(*p, "sb://ns/db");
  CHECK_FALSE(t);
}

TEST_CASE("static SAS provider returns the token verbatim with its expiry") {
  const auto token = protocol::sas::make_token("sb://ns/db", "send", key, 2'000'000'000);
  auto p = make_static_sas_provider(token);
  REQUIRE(p);
  auto t = get(**p, "sb://ns/other");
  REQUIRE(t);
  CHECK(t->value == token);
  CHECK(t->expires_at == wall_clock::time_point(std::chrono::seconds(2'000'000'000)));
}

TEST_CASE("static SAS provider refuses text that is not a token, without echoing it") {
  auto p = make_static_sas_provider("SharedAccessSignature sig=secretvalue");
  REQUIRE_FALSE(p);
  CHECK(p.error().find("secretvalue") == std::string::npos);
}

TEST_CASE("no-auth provider yields an empty token") {
  auto p = make_no_auth_provider();
  auto t = get(*p, "sb://ns/db");
  REQUIRE(t);
  CHECK(t->empty());
  CHECK_FALSE(t->expires());
}
