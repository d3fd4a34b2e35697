#include "azbridge/relay_server/auth.hpp"

#include "azbridge/protocol/sas.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::relay_server;
namespace sas = azbridge::protocol::sas;

namespace {

const std::int64_t now = 1'700'000'000;

shared_access_policy policy(std::string name, std::string key, bool listen, bool send, bool manage) {
  shared_access_policy p;
  p.name = std::move(name);
  p.key = std::move(key);
  p.rights = {listen, send, manage};
  return p;
}

const std::vector<shared_access_policy> ns_policies = {
    policy("RootManageSharedAccessKey", "root-key", false, false, true),
    policy("sendonly", "send-key", false, true, false),
    policy("listenonly", "listen-key", true, false, false),
};

auth_decision check(const std::string& token, required_right right, std::string hc = "hc1",
                    std::span<const shared_access_policy> hc_policies = {}) {
  auth_request r;  // views: everything it points at must outlive authorize()
  const std::string full_path = hc + "/suffix";
  r.token = token;
  r.host = "127.0.0.1";
  r.hc_name = hc;
  r.full_path = full_path;
  r.right = right;
  r.now_unix = now;
  return authorize(r, hc_policies, ns_policies);
}

std::string token_for(const std::string& uri, const std::string& name, const std::string& key,
                      std::int64_t expiry = now + 3600) {
  return sas::make_token(uri, name, key, expiry);
}

}  // namespace

TEST_CASE("auth: valid tokens with the right rights", "[relay_server][auth]") {
  auto root = token_for("sb://127.0.0.1:9443/hc1", "RootManageSharedAccessKey", "root-key");
  auto d = check(root, required_right::listen);
  CHECK(d.ok());
  CHECK(d.expires_at == now + 3600);
  CHECK(d.key_name == "RootManageSharedAccessKey");
  CHECK(check(root, required_right::send).ok());  // Manage covers Listen and Send
  CHECK(check(token_for("sb://127.0.0.1/hc1", "sendonly", "send-key"), required_right::send).ok());
  CHECK(check(token_for("sb://127.0.0.1/hc1", "listenonly", "listen-key"), required_right::listen).ok());
  // A namespace-wide token covers every hybrid connection; host case and port do not matter.
  CHECK(check(token_for("sb://127.0.0.1/", "sendonly", "send-key"), required_right::send, "other/nested").ok());
}

TEST_CASE("auth: 401 for missing, malformed, unknown-key, bad signature, expired", "[relay_server][auth]") {
  auto missing = check("", required_right::send);
  CHECK(missing.status == 401);
  CHECK(missing.reason.find("MissingToken") != std::string::npos);

  auto malformed = check("Bearer abc", required_right::send);
  CHECK(malformed.status == 401);
  CHECK(malformed.reason.find("MalformedToken") != std::string::npos);

  auto unknown = check(token_for("sb://127.0.0.1/hc1", "nobody", "root-key"), required_right::send);
  CHECK(unknown.status == 401);
  CHECK(unknown.reason.find("nobody") != std::string::npos);

  auto bad = check(token_for("sb://127.0.0.1/hc1", "sendonly", "wrong-key"), required_right::send);
  CHECK(bad.status == 401);
  CHECK(bad.reason.find("invalid signature") != std::string::npos);
  CHECK(bad.reason.find("send-key") == std::string::npos);  // never a secret in a message

  auto expired = check(token_for("sb://127.0.0.1/hc1", "sendonly", "send-key", now - 1), required_right::send);
  CHECK(expired.status == 401);
  CHECK(expired.reason.find("ExpiredToken") != std::string::npos);
  // Expiry is exclusive: se == now is expired.
  CHECK(check(token_for("sb://127.0.0.1/hc1", "sendonly", "send-key", now), required_right::send).status == 401);
}

TEST_CASE("auth: clock skew tolerance", "[relay_server][auth]") {
  auth_request r;
  auto t = token_for("sb://127.0.0.1/hc1", "sendonly", "send-key", now - 10);
  r.token = t;
  r.host = "127.0.0.1";
  r.hc_name = "hc1";
  r.now_unix = now;
  r.clock_skew = std::chrono::seconds(30);
  CHECK(authorize(r, {}, ns_policies).ok());
}

TEST_CASE("auth: 403 for wrong audience or missing rights", "[relay_server][auth]") {
  auto other_hc = check(token_for("sb://127.0.0.1/hc2", "sendonly", "send-key"), required_right::send);
  CHECK(other_hc.status == 403);
  CHECK(other_hc.reason.find("InvalidAudience") != std::string::npos);

  auto other_host = check(token_for("sb://elsewhere.example/hc1", "sendonly", "send-key"), required_right::send);
  CHECK(other_host.status == 403);

  auto send_for_listen = check(token_for("sb://127.0.0.1/hc1", "sendonly", "send-key"), required_right::listen);
  CHECK(send_for_listen.status == 403);
  CHECK(send_for_listen.reason.find("'Listen' claim(s) are required") != std::string::npos);

  auto listen_for_send = check(token_for("sb://127.0.0.1/hc1", "listenonly", "listen-key"), required_right::send);
  CHECK(listen_for_send.status == 403);
  CHECK(listen_for_send.reason.find("'Send'") != std::string::npos);
}

TEST_CASE("auth: entity-level policies apply to their hybrid connection", "[relay_server][auth]") {
  std::vector<shared_access_policy> hc_only = {policy("hcsend", "hc-key", false, true, false)};
  auto t = token_for("sb://127.0.0.1/hc1", "hcsend", "hc-key");
  CHECK(check(t, required_right::send, "hc1", hc_only).ok());
  CHECK(check(t, required_right::send, "hc1").status == 401);  // unknown without the entity's policies
}
