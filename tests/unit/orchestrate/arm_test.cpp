#include "azbridge/orchestrate/arm.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::orchestrate;

namespace {
http_response answer(int status, header_list h = {}, std::string body = {}) {
  http_response r;
  r.status = status;
  r.headers = std::move(h);
  r.body = std::move(body);
  return r;
}
}  // namespace

TEST_CASE("CloudError bodies", "[arm]") {
  auto e = arm::parse_error(404, R"({"error":{"code":"ResourceGroupNotFound","message":"Resource group 'rg' could not be found.","target":"rg"}})");
  CHECK(e.code == "ResourceGroupNotFound");
  CHECK(e.message == "Resource group 'rg' could not be found.");
  CHECK(e.target == "rg");
  auto bare = arm::parse_error(400, R"({"code":"InvalidRequestContent","message":"bad"})");
  CHECK(bare.code == "InvalidRequestContent");
  auto junk = arm::parse_error(502, "<html>bad gateway</html>");
  CHECK(junk.code.empty());
  CHECK(junk.message.empty());
}

TEST_CASE("ARM failures map to exit statuses", "[arm]") {
  auto code = [](int s, std::string c = "") { return arm::classify({s, c, "m", ""}, "creating x").code(); };
  CHECK(code(401, "InvalidAuthenticationToken") == exit_code::auth);
  CHECK(code(403, "AuthorizationFailed") == exit_code::auth);
  CHECK(code(404, "ResourceGroupNotFound") == exit_code::not_found);
  CHECK(code(409, "MissingSubscriptionRegistration") == exit_code::rejected);
  CHECK(code(400, "InvalidTemplate") == exit_code::rejected);
  CHECK(code(429) == exit_code::throttled);
  CHECK(code(503) == exit_code::service);
  std::string msg = arm::classify({403, "AuthorizationFailed", "no access", ""}, "creating container group g").what();
  CHECK(msg.find("creating container group g") != std::string::npos);
  CHECK(msg.find("AuthorizationFailed") != std::string::npos);
}

TEST_CASE("LRO plan: Azure-AsyncOperation first, then Location, then provisioningState", "[arm]") {
  auto a = arm::plan_lro("PUT", answer(201, {{"Azure-AsyncOperation", "https://m/op/1"}, {"Location", "https://m/loc"}},
                                          R"({"properties":{"provisioningState":"Creating"}})"));
  CHECK(a.via == arm::poll_via::async_operation);
  CHECK(a.url == "https://m/op/1");
  auto l = arm::plan_lro("DELETE", answer(202, {{"Location", "https://m/loc"}}));
  CHECK(l.via == arm::poll_via::location);
  auto r = arm::plan_lro("PUT", answer(201, {}, R"({"properties":{"provisioningState":"Pending"}})"));
  CHECK(r.via == arm::poll_via::resource);
  auto done = arm::plan_lro("PUT", answer(200, {}, R"({"properties":{"provisioningState":"Succeeded"}})"));
  CHECK(done.via == arm::poll_via::none);
  CHECK(arm::plan_lro("DELETE", answer(200)).via == arm::poll_via::none);
  CHECK(arm::plan_lro("DELETE", answer(204)).via == arm::poll_via::none);
  CHECK(arm::plan_lro("PUT", answer(400, {{"Azure-AsyncOperation", "x"}})).via == arm::poll_via::none);
  // A Location header on 200 is not an operation to follow.
  CHECK(arm::plan_lro("POST", answer(200, {{"Location", "https://m/loc"}})).via == arm::poll_via::none);
}

TEST_CASE("LRO status reading", "[arm]") {
  CHECK(arm::read_async_operation(answer(200, {}, R"({"status":"InProgress"})")).state == arm::lro_state::running);
  CHECK(arm::read_async_operation(answer(200, {}, R"({"status":"Succeeded"})")).state == arm::lro_state::succeeded);
  auto f = arm::read_async_operation(answer(200, {}, R"({"status":"Failed","error":{"code":"InaccessibleImage","message":"cannot pull"}})"));
  CHECK(f.state == arm::lro_state::failed);
  CHECK(f.error.code == "InaccessibleImage");
  CHECK(arm::read_async_operation(answer(200, {}, R"({"status":"Canceled"})")).state == arm::lro_state::canceled);
  CHECK(arm::read_async_operation(answer(500, {}, "{}")).state == arm::lro_state::failed);
  CHECK(arm::read_location(answer(202)).state == arm::lro_state::running);
  CHECK(arm::read_location(answer(200)).state == arm::lro_state::succeeded);
  CHECK(arm::read_location(answer(204)).state == arm::lro_state::succeeded);
  CHECK(arm::read_location(answer(409, {}, R"({"error":{"code":"Conflict"}})")).error.code == "Conflict");
  CHECK(arm::read_resource(answer(200, {}, R"({"properties":{"provisioningState":"Creating"}})")).state == arm::lro_state::running);
  CHECK(arm::read_resource(answer(200, {}, R"({"properties":{"provisioningState":"Failed"}})")).state == arm::lro_state::failed);
  CHECK(arm::read_resource(answer(200, {}, R"({"properties":{}})")).state == arm::lro_state::succeeded);
}

TEST_CASE("poll delay honours Retry-After with a cap", "[arm]") {
  using std::chrono::milliseconds;
  CHECK(arm::poll_delay(answer(202, {{"Retry-After", "3"}}), milliseconds(5000), milliseconds(30000)) == milliseconds(3000));
  CHECK(arm::poll_delay(answer(202), milliseconds(5000), milliseconds(30000)) == milliseconds(5000));
  CHECK(arm::poll_delay(answer(202, {{"Retry-After", "600"}}), milliseconds(5000), milliseconds(30000)) == milliseconds(30000));
}

TEST_CASE("tokens only go back to the ARM endpoint", "[arm]") {
  CHECK(arm::same_origin("https://management.azure.com/subscriptions/x/op?api-version=1", "https://management.azure.com"));
  CHECK(arm::same_origin("https://MANAGEMENT.azure.com:443/x", "https://management.azure.com/"));
  CHECK(arm::same_origin("https://127.0.0.1:8443/op", "https://127.0.0.1:8443"));
  CHECK_FALSE(arm::same_origin("https://evil.example/op", "https://management.azure.com"));
  CHECK_FALSE(arm::same_origin("http://management.azure.com/op", "https://management.azure.com"));
  CHECK_FALSE(arm::same_origin("https://127.0.0.1:9999/op", "https://127.0.0.1:8443"));
}
