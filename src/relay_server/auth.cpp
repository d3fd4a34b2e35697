// SAS authorization for the relay server; parsing and HMAC come from the protocol module.
#include "azbridge/relay_server/auth.hpp"

#include "azbridge/protocol/sas.hpp"

#include <fmt/format.h>

#include <ctime>

namespace azbridge::relay_server {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string format_unix_time(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

const shared_access_policy* find_policy(std::string_view name, std::span<const shared_access_policy> list) {
  for (const auto& p : list) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

auth_decision deny(int status, std::string reason) {
  auth_decision d;
  d.status = status;
  d.reason = std::move(reason);
  return d;
}

}  // namespace

auth_decision authorize(const auth_request& req, std::span<const shared_access_policy> hc_policies,
                        std::span<const shared_access_policy> namespace_policies) {
  const char* action = req.right == required_right::listen ? "Listen" : "Send";
  if (req.token.empty()) {
    return deny(401, fmt::format("MissingToken: The request has no authorization token; a '{}' token is required "
                                 "in the ServiceBusAuthorization header or the sb-hc-token query parameter.",
                                 action));
  }
  auto parsed = protocol::sas::parse_token(req.token);
  if (!parsed) {
    return deny(401, "MalformedToken: The authorization token is not a valid SharedAccessSignature: " + parsed.error());
  }
  const auto& t = *parsed;
  const shared_access_policy* policy = find_policy(t.skn, hc_policies);
  if (!policy) policy = find_policy(t.skn, namespace_policies);
  if (!policy) {
    return deny(401, fmt::format("InvalidSignature: The token has an invalid signature (the key name '{}' is "
                                 "not a shared access policy of this relay).",
                                 t.skn.substr(0, 64)));
  }
  if (!protocol::sas::signature_valid(t, policy->key)) {
    return deny(401, "InvalidSignature: The token has an invalid signature.");
  }
  if (req.now_unix >= t.se + req.clock_skew.count()) {
    return deny(401, fmt::format("ExpiredToken: The token is expired. Expiration time: '{}'.", format_unix_time(t.se)));
  }
  bool covers = protocol::sas::audience_covers(t, req.host, req.hc_name) ||
                (!req.full_path.empty() && protocol::sas::audience_covers(t, req.host, req.full_path));
  if (!covers) {
    return deny(403, fmt::format("InvalidAudience: The token's audience '{}' does not cover the hybrid connection "
                                 "'{}' on host '{}'.",
                                 t.sr.substr(0, 200), req.hc_name, req.host));
  }
  bool allowed = req.right == required_right::listen ? policy->rights.can_listen() : policy->rights.can_send();
  if (!allowed) {
    return deny(403, fmt::format("Unauthorized access. '{}' claim(s) are required to perform this operation "
                                 "(policy '{}' has {}). Resource: '{}'.",
                                 action, policy->name, policy->rights.to_string(), req.hc_name));
  }
  auth_decision ok;
  ok.expires_at = t.se;
  ok.key_name = t.skn;
  return ok;
}

}  // namespace azbridge::relay_server
